use super::*;

fn form() -> HttpGatewayForm {
    HttpGatewayForm {
        url: "https://sms.example.net/api/send".into(),
        method: HttpMethod::Post,
        body_type: BodyType::Json,
        body: r#"{{"to":"{number}","text":"{message}"}}"#.into(),
        ..HttpGatewayForm::default()
    }
}

fn errors_of(form: &HttpGatewayForm) -> FieldErrors {
    let mut errors = FieldErrors::new();
    form.validate(&mut errors);
    errors
}

#[test]
fn a_json_post_with_both_placeholders_is_accepted() {
    let config = form().validate(&mut FieldErrors::new()).unwrap();

    let body = config.render_body(&TemplateValues::SAMPLE).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["text"], TemplateValues::SAMPLE.message);
}

#[test]
fn an_unquoted_json_placeholder_is_explained() {
    let errors = errors_of(&HttpGatewayForm {
        body: r#"{{"to":{number},"text":"{message}"}}"#.into(),
        ..form()
    });

    let message = errors.get(FieldId::BodyTemplate).unwrap();
    assert!(message.contains("inside quotes"), "{message}");
}

#[test]
fn a_get_gateway_takes_its_values_in_the_url() {
    let config = HttpGatewayForm {
        url: "http://gw.example:8080/send?to={number}&text={message}".into(),
        method: HttpMethod::Get,
        body: String::new(),
        ..form()
    }
    .validate(&mut FieldErrors::new())
    .unwrap();

    let url = config.render_url(&TemplateValues::SAMPLE).unwrap();
    assert!(
        url.query()
            .unwrap()
            .starts_with("to=%2B447700900123&text=Test%20%221%22")
    );
}

#[test]
fn a_get_gateway_ignores_a_body_typed_while_post_was_chosen() {
    let config = HttpGatewayForm {
        url: "http://gw.example/send?to={number}&text={message}".into(),
        method: HttpMethod::Get,
        ..form()
    }
    .validate(&mut FieldErrors::new())
    .unwrap();

    assert_eq!(config.body, None);
}

#[test]
fn the_number_and_message_must_be_sent_somewhere() {
    let no_number = errors_of(&HttpGatewayForm {
        body: "text={message}".into(),
        body_type: BodyType::Form,
        ..form()
    });
    let no_message = errors_of(&HttpGatewayForm {
        body: "to={number}".into(),
        body_type: BodyType::Form,
        ..form()
    });

    assert!(
        no_number
            .get(FieldId::BodyTemplate)
            .unwrap()
            .contains("{number}")
    );
    assert!(
        no_message
            .get(FieldId::BodyTemplate)
            .unwrap()
            .contains("{message}")
    );
}

#[test]
fn placeholders_in_the_host_are_refused() {
    let errors = errors_of(&HttpGatewayForm {
        url: "https://{sender}.example.net/send".into(),
        ..form()
    });

    assert!(errors.get(FieldId::GatewayUrl).unwrap().contains("host"));
}

#[test]
fn headers_are_read_one_per_line_and_reserved_ones_refused() {
    assert_eq!(
        parse_headers("X-Tenant: nac\n\n  Accept-Language : en ").unwrap(),
        vec![
            ("X-Tenant".to_owned(), "nac".to_owned()),
            ("Accept-Language".to_owned(), "en".to_owned())
        ]
    );
    assert!(
        parse_headers("Authorization: Bearer x")
            .unwrap_err()
            .contains("Authentication")
    );
    assert!(parse_headers("X-Tenant").unwrap_err().contains("Line 1"));
    assert!(
        parse_headers("a: b\nX Y: z")
            .unwrap_err()
            .contains("Line 2")
    );
    assert!(parse_headers("X-Name: Zoë").unwrap_err().contains("ASCII"));
}

#[test]
fn basic_auth_needs_a_user_without_colon_and_header_auth_a_name() {
    let basic = errors_of(&HttpGatewayForm {
        auth: AuthMethod::Basic,
        user_name: "a:b".into(),
        ..form()
    });
    let header = errors_of(&HttpGatewayForm {
        auth: AuthMethod::Header,
        auth_header: "Content-Type".into(),
        ..form()
    });

    assert!(basic.get(FieldId::GatewayUser).unwrap().contains("':'"));
    assert!(
        header
            .get(FieldId::AuthHeaderName)
            .unwrap()
            .contains("itself")
    );
}

#[test]
fn a_sender_placeholder_needs_a_sender() {
    let errors = errors_of(&HttpGatewayForm {
        body: r#"{{"to":"{number}","text":"{message}","from":"{sender}"}}"#.into(),
        ..form()
    });

    assert!(
        errors
            .get(FieldId::GatewaySender)
            .unwrap()
            .contains("{sender}")
    );
}

#[test]
fn the_secret_destination_is_the_origin_and_the_auth_name() {
    let config = HttpGatewayForm {
        auth: AuthMethod::Header,
        auth_header: "X-Api-Key".into(),
        ..form()
    }
    .validate(&mut FieldErrors::new())
    .unwrap();

    assert_eq!(
        config.secret_destination(),
        "http https://sms.example.net header X-Api-Key"
    );
    assert_eq!(config.endpoint(), "https://sms.example.net/api/send");
}

#[test]
fn a_stored_config_shows_again_as_the_same_form() {
    let typed = HttpGatewayForm {
        headers: "X-Tenant: nac".into(),
        success_contains: "\"status\":\"ok\"".into(),
        ..form()
    };
    let config = typed.validate(&mut FieldErrors::new()).unwrap();

    assert_eq!(HttpGatewayForm::from(&config), typed);
}

#[test]
fn the_api_key_header_cannot_also_be_an_extra_header() {
    let errors = errors_of(&HttpGatewayForm {
        auth: AuthMethod::Header,
        auth_header: "X-Api-Key".into(),
        headers: "x-api-key: visible".into(),
        ..form()
    });

    assert!(
        errors
            .get(FieldId::ExtraHeaders)
            .unwrap()
            .contains("API key")
    );
}

#[test]
fn connection_level_headers_are_refused() {
    for name in ["Upgrade", "TE", "Keep-Alive", "Proxy-Connection", "Trailer"] {
        let error = parse_headers(&format!("{name}: x")).unwrap_err();

        assert!(error.contains("itself"), "{name}: {error}");
    }
}

#[test]
fn a_long_non_latin_message_fits_in_a_get_url() {
    let config = HttpGatewayForm {
        url: "http://gw.example/send?to={number}&text={message}".into(),
        method: HttpMethod::Get,
        body: String::new(),
        ..form()
    }
    .validate(&mut FieldErrors::new())
    .unwrap();
    let message = "Привет 😀 ".repeat(60);
    let values = TemplateValues {
        message: &message,
        ..TemplateValues::SAMPLE
    };

    assert!(config.render_url(&values).is_ok());
}
