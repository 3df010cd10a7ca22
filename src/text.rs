//! User-facing languages: every text a user reads exists in bokmål, nynorsk and English.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Lang {
    /// Norwegian bokmål
    #[default]
    Nb,
    /// Norwegian nynorsk
    Nn,
    /// English
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }
}

/// A text in the user-facing languages. `nn` may be empty while a rule set has not declared
/// nynorsk among its languages: it then reads as the bokmål text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub nb: String,
    pub nn: String,
    pub en: String,
}

impl Text {
    pub fn new(nb: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            nb: nb.into(),
            nn: String::new(),
            en: en.into(),
        }
    }

    pub fn all(nb: impl Into<String>, nn: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            nb: nb.into(),
            nn: nn.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb,
            Lang::Nn if self.nn.is_empty() => &self.nb,
            Lang::Nn => &self.nn,
            Lang::En => &self.en,
        }
    }
}

/// Pick the words for `lang` among fixed texts written in each language.
pub fn pick(lang: Lang, nb: &'static str, nn: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nb => nb,
        Lang::Nn => nn,
        Lang::En => en,
    }
}
