//! The choices of a generic HTTP gateway: method, body encoding and authentication.

use crate::sms::template::Escaping;
use serde::{Deserialize, Serialize};

/// GET or POST.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HttpMethod {
    /// Values in the URL, no body.
    Get,
    /// Values in the body (and optionally the URL).
    #[default]
    Post,
}

impl HttpMethod {
    /// Both methods.
    pub const ALL: [HttpMethod; 2] = [HttpMethod::Get, HttpMethod::Post];

    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// How the body is encoded, which decides how placeholders in it are escaped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyType {
    /// `application/x-www-form-urlencoded`: values percent-encoded.
    #[default]
    Form,
    /// `application/json`: values escaped as the inside of JSON strings.
    Json,
    /// `text/plain`: values as they are.
    Text,
}

impl BodyType {
    /// Every type, in the order the page lists them.
    pub const ALL: [BodyType; 3] = [BodyType::Form, BodyType::Json, BodyType::Text];

    /// The `Content-Type` header value.
    pub fn mime(self) -> &'static str {
        match self {
            BodyType::Form => "application/x-www-form-urlencoded",
            BodyType::Json => "application/json",
            BodyType::Text => "text/plain; charset=utf-8",
        }
    }

    /// The label the page shows.
    pub fn label(self) -> &'static str {
        match self {
            BodyType::Form => "Form (URL-encoded)",
            BodyType::Json => "JSON",
            BodyType::Text => "Plain text",
        }
    }

    /// How placeholders in a body of this type are escaped.
    pub fn escaping(self) -> Escaping {
        match self {
            BodyType::Form => Escaping::Percent,
            BodyType::Json => Escaping::JsonString,
            BodyType::Text => Escaping::Raw,
        }
    }

    /// A stable identifier for forms.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyType::Form => "form",
            BodyType::Json => "json",
            BodyType::Text => "text",
        }
    }
}

/// How the console proves who it is to the gateway.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// Nothing (or credentials the gateway takes from elsewhere).
    #[default]
    None,
    /// HTTP basic authentication: user name and password.
    Basic,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// An API key in a header of the admin's choosing, such as `X-Api-Key`.
    Header,
}

impl AuthMethod {
    /// Every method, in the order the page lists them.
    pub const ALL: [AuthMethod; 4] = [
        AuthMethod::None,
        AuthMethod::Basic,
        AuthMethod::Bearer,
        AuthMethod::Header,
    ];

    /// The label the page shows.
    pub fn label(self) -> &'static str {
        match self {
            AuthMethod::None => "None",
            AuthMethod::Basic => "Basic (user name and password)",
            AuthMethod::Bearer => "Bearer token",
            AuthMethod::Header => "API key in a header",
        }
    }

    /// A stable identifier for forms.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::None => "none",
            AuthMethod::Basic => "basic",
            AuthMethod::Bearer => "bearer",
            AuthMethod::Header => "header",
        }
    }

    /// What the secret is called, or `None` when there is none.
    pub fn secret_label(self) -> Option<&'static str> {
        match self {
            AuthMethod::None => None,
            AuthMethod::Basic => Some("password"),
            AuthMethod::Bearer => Some("token"),
            AuthMethod::Header => Some("API key"),
        }
    }
}
