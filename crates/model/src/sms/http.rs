//! A generic HTTP SMS gateway, described the way guest-access products describe custom
//! handlers: URL, method, content type, extra headers, authentication, a body template and the
//! rule that tells success from failure.

use super::fields::{MAX_LINE_CHARS, check_header_name, optional_line, parse_sender};
use super::template::{Escaping, Placeholder, Template, TemplateValues};
use crate::field::{FieldErrors, FieldId};

mod choices;

use crate::web_url::WebUrl;
pub use choices::{AuthMethod, BodyType, HttpMethod};
use serde::{Deserialize, Serialize};

/// Most extra headers accepted.
const MAX_HEADERS: usize = 20;
/// Longest body template accepted, in characters.
const MAX_BODY_CHARS: usize = 8192;
/// Headers the console sets itself, with the field to use instead.
const RESERVED_HEADERS: [(&str, &str); 11] = [
    ("host", "the URL"),
    ("content-type", "Content type"),
    ("content-length", "nothing: it is computed"),
    ("transfer-encoding", "nothing: the body has a fixed length"),
    ("te", "nothing: the body has a fixed length"),
    ("trailer", "nothing: the body has a fixed length"),
    ("connection", "nothing: the connection is managed"),
    ("keep-alive", "nothing: the connection is managed"),
    ("proxy-connection", "nothing: the connection is managed"),
    ("upgrade", "nothing: the console speaks HTTP/1.1 only"),
    (
        "authorization",
        "Authentication, where the secret is write-only",
    ),
];

/// The generic HTTP fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpGatewayForm {
    /// URL template; placeholders may appear in the path and query.
    pub url: String,
    /// GET or POST.
    pub method: HttpMethod,
    /// Body encoding (POST only).
    pub body_type: BodyType,
    /// Extra headers, one `Name: value` per line. Not secret: shown on the page.
    pub headers: String,
    /// Authentication method.
    pub auth: AuthMethod,
    /// User name for basic authentication.
    pub user_name: String,
    /// Header name for an API key.
    pub auth_header: String,
    /// Body template (POST only; ignored for GET).
    pub body: String,
    /// Value of `{sender}`.
    pub sender: String,
    /// Text a successful reply must contain.
    pub success_contains: String,
    /// Text a successful reply must not contain.
    pub success_excludes: String,
}

/// Checked generic HTTP settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpGatewayConfig {
    /// URL template, its host and port fixed (no placeholders before the path).
    pub url: Template,
    /// GET or POST.
    pub method: HttpMethod,
    /// Body encoding.
    pub body_type: BodyType,
    /// Extra headers, in order.
    pub headers: Vec<(String, String)>,
    /// Authentication method.
    pub auth: AuthMethod,
    /// User name for basic authentication.
    pub user_name: Option<String>,
    /// Header name for an API key.
    pub auth_header: Option<String>,
    /// Body template; `None` for GET or an empty body.
    pub body: Option<Template>,
    /// Value of `{sender}`.
    pub sender: Option<String>,
    /// Text a successful reply must contain.
    pub success_contains: Option<String>,
    /// Text a successful reply must not contain.
    pub success_excludes: Option<String>,
}

impl HttpGatewayConfig {
    /// The URL with the placeholders filled in and percent-encoded.
    pub fn render_url(&self, values: &TemplateValues<'_>) -> Result<WebUrl, String> {
        WebUrl::parse_rendered(&self.url.render(values, Escaping::Percent))
    }

    /// The body with the placeholders filled in, escaped for its content type.
    pub fn render_body(&self, values: &TemplateValues<'_>) -> Option<String> {
        let body = self.body.as_ref()?;
        Some(body.render(values, self.body_type.escaping()))
    }

    /// Where requests go, without the query: safe to show and log.
    pub fn endpoint(&self) -> String {
        self.render_url(&TemplateValues::SAMPLE)
            .map(|url| url.without_query())
            .unwrap_or_default()
    }

    pub(super) fn secret_destination(&self) -> String {
        let origin = self
            .render_url(&TemplateValues::SAMPLE)
            .map(|url| url.origin())
            .unwrap_or_default();
        let name = match self.auth {
            AuthMethod::Basic => self.user_name.as_deref(),
            AuthMethod::Header => self.auth_header.as_deref(),
            AuthMethod::None | AuthMethod::Bearer => None,
        };
        format!(
            "http {origin} {} {}",
            self.auth.as_str(),
            name.unwrap_or("")
        )
    }
}

impl From<&HttpGatewayConfig> for HttpGatewayForm {
    fn from(config: &HttpGatewayConfig) -> Self {
        let headers: Vec<String> = config
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        HttpGatewayForm {
            url: config.url.source().to_owned(),
            method: config.method,
            body_type: config.body_type,
            headers: headers.join("\n"),
            auth: config.auth,
            user_name: config.user_name.clone().unwrap_or_default(),
            auth_header: config.auth_header.clone().unwrap_or_default(),
            body: config
                .body
                .as_ref()
                .map(|b| b.source().to_owned())
                .unwrap_or_default(),
            sender: config.sender.clone().unwrap_or_default(),
            success_contains: config.success_contains.clone().unwrap_or_default(),
            success_excludes: config.success_excludes.clone().unwrap_or_default(),
        }
    }
}

impl HttpGatewayForm {
    pub(super) fn validate(&self, errors: &mut FieldErrors) -> Option<HttpGatewayConfig> {
        let url = parse_url_template(&self.url)
            .map_err(|message| errors.add(FieldId::GatewayUrl, message))
            .ok();
        let headers = parse_headers(&self.headers)
            .map_err(|message| errors.add(FieldId::ExtraHeaders, message))
            .ok();
        let body = self
            .parse_body()
            .map_err(|message| errors.add(FieldId::BodyTemplate, message))
            .ok();
        let sender = parse_sender(&self.sender)
            .map_err(|message| errors.add(FieldId::GatewaySender, message))
            .ok();
        let user_name = self
            .parse_user_name()
            .map_err(|m| errors.add(FieldId::GatewayUser, m));
        let auth_header = self
            .parse_auth_header()
            .map_err(|message| errors.add(FieldId::AuthHeaderName, message));
        let success_contains = optional_line(&self.success_contains, 200)
            .map_err(|message| errors.add(FieldId::SuccessContains, message))
            .ok();
        let success_excludes = optional_line(&self.success_excludes, 200)
            .map_err(|message| errors.add(FieldId::SuccessExcludes, message))
            .ok();
        if let (Some(url), Some(body)) = (&url, &body) {
            check_values_are_sent(url, body.as_ref(), self.method, errors);
        }
        if let (Some(headers), Ok(Some(key_header))) = (&headers, &auth_header)
            && headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(key_header))
        {
            errors.add(
                FieldId::ExtraHeaders,
                format!("{key_header} carries the API key: remove it from the extra headers"),
            );
        }
        if let (Some(url), Some(body), Some(None)) = (&url, &body, &sender) {
            let uses_sender = url.uses(Placeholder::Sender)
                || body.as_ref().is_some_and(|b| b.uses(Placeholder::Sender));
            if uses_sender {
                errors.add(
                    FieldId::GatewaySender,
                    "The templates use {sender}: enter a sender, or remove {sender}",
                );
            }
        }
        Some(HttpGatewayConfig {
            url: url?,
            method: self.method,
            body_type: self.body_type,
            headers: headers?,
            auth: self.auth,
            user_name: user_name.ok()?,
            auth_header: auth_header.ok()?,
            body: body?,
            sender: sender?,
            success_contains: success_contains?,
            success_excludes: success_excludes?,
        })
    }

    fn parse_body(&self) -> Result<Option<Template>, String> {
        let source = self.body.trim();
        // A GET request carries no body: one typed while POST was chosen is not used (the page
        // hides it), so it neither blocks saving nor is stored.
        if source.is_empty() || self.method == HttpMethod::Get {
            return Ok(None);
        }
        if source.chars().count() > MAX_BODY_CHARS {
            return Err(format!(
                "The body template may have at most {MAX_BODY_CHARS} characters"
            ));
        }
        let template = Template::parse(source)?;
        let sample = template.render(&TemplateValues::SAMPLE, self.body_type.escaping());
        if self.body_type == BodyType::Json
            && let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(&sample)
        {
            return Err(format!(
                "The body is not valid JSON once the placeholders are filled in ({error}); \
                 put each placeholder inside quotes, such as \"to\": \"{{number}}\", and write \
                 JSON's own braces as {{{{ and }}}}"
            ));
        }
        Ok(Some(template))
    }

    fn parse_user_name(&self) -> Result<Option<String>, String> {
        if self.auth != AuthMethod::Basic {
            return Ok(None);
        }
        let name = optional_line(&self.user_name, 256)?
            .ok_or("Enter the user name for basic authentication")?;
        if name.contains(':') {
            return Err("Basic authentication cannot carry a ':' in the user name".into());
        }
        Ok(Some(name))
    }

    fn parse_auth_header(&self) -> Result<Option<String>, String> {
        if self.auth != AuthMethod::Header {
            return Ok(None);
        }
        let name = self.auth_header.trim();
        check_header_name(name)?;
        check_not_reserved(name)?;
        Ok(Some(name.to_owned()))
    }
}

fn parse_url_template(input: &str) -> Result<Template, String> {
    let trimmed = input.trim();
    let template = Template::parse(trimmed)?;
    let after_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or_default();
    if authority.contains('{') {
        return Err(
            "Placeholders may appear in the path and query, not in the host or port".to_owned(),
        );
    }
    WebUrl::parse(&template.render(&TemplateValues::SAMPLE, Escaping::Percent))?;
    Ok(template)
}

fn check_values_are_sent(
    url: &Template,
    body: Option<&Template>,
    method: HttpMethod,
    errors: &mut FieldErrors,
) {
    let field = match method {
        HttpMethod::Get => FieldId::GatewayUrl,
        HttpMethod::Post => FieldId::BodyTemplate,
    };
    let place = match method {
        HttpMethod::Get => "URL",
        HttpMethod::Post => "URL or the body",
    };
    if !url.uses_number() && !body.is_some_and(Template::uses_number) {
        errors.add(
            field,
            format!(
                "Put {{number}} (or {{number_digits}}) in the {place} where the gateway \
                 expects the recipient"
            ),
        );
    } else if !url.uses(Placeholder::Message) && !body.is_some_and(|b| b.uses(Placeholder::Message))
    {
        errors.add(
            field,
            format!("Put {{message}} in the {place} where the gateway expects the text"),
        );
    }
}

fn parse_headers(input: &str) -> Result<Vec<(String, String)>, String> {
    let mut headers = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let number = index + 1;
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("Line {number}: write each header as Name: value"))?;
        let (name, value) = (name.trim(), value.trim());
        check_header_name(name).map_err(|message| format!("Line {number}: {message}"))?;
        check_not_reserved(name).map_err(|message| format!("Line {number}: {message}"))?;
        let value = optional_line(value, MAX_LINE_CHARS)
            .map_err(|message| format!("Line {number}: {message}"))?
            .ok_or_else(|| format!("Line {number}: the header {name} has no value"))?;
        if let Some(bad) = value.chars().find(|c| !c.is_ascii()) {
            return Err(format!(
                "Line {number}: header values must be ASCII; '{bad}' cannot be sent"
            ));
        }
        headers.push((name.to_owned(), value));
    }
    if headers.len() > MAX_HEADERS {
        return Err(format!("Enter at most {MAX_HEADERS} headers"));
    }
    Ok(headers)
}

fn check_not_reserved(name: &str) -> Result<(), String> {
    match RESERVED_HEADERS
        .iter()
        .find(|(reserved, _)| reserved.eq_ignore_ascii_case(name))
    {
        Some((_, instead)) => Err(format!("The console sets {name} itself: use {instead}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
