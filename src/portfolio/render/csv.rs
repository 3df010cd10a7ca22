//! placeholder
use super::Meta;
use crate::portfolio::Portfolio;
pub fn render(_m: &Meta, _p: &Portfolio, _f: bool) -> String {
    String::new()
}
