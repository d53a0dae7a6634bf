use super::*;

fn kannel_form(secret: &str) -> SmsGatewayForm {
    SmsGatewayForm {
        kind: GatewayKind::Kannel,
        kannel: KannelForm {
            url: "http://127.0.0.1:13013".into(),
            user_name: "console".into(),
            ..KannelForm::default()
        },
        secret: SecretText::new(secret),
        ..SmsGatewayForm::default()
    }
}

fn stored(form: &SmsGatewayForm) -> StoredGateway {
    let settings = form.validate(None).unwrap();
    StoredGateway {
        destination: settings.secret_destination(),
        secret_stored: true,
    }
}

#[test]
fn a_new_kannel_gateway_stores_the_typed_password() {
    let settings = kannel_form("sms pass&w0rd+é").validate(None).unwrap();

    assert_eq!(settings.gateway.kind(), GatewayKind::Kannel);
    assert_eq!(settings.max_segments, DEFAULT_MAX_SEGMENTS);
    assert!(matches!(settings.secret, PasswordPlan::Replace(_)));
}

#[test]
fn an_empty_password_box_keeps_the_stored_one_for_the_same_destination() {
    let stored = stored(&kannel_form("pw"));

    let settings = kannel_form("").validate(Some(&stored)).unwrap();

    assert_eq!(settings.secret, PasswordPlan::Keep);
}

#[test]
fn the_stored_password_never_follows_a_changed_url_or_user() {
    let stored = stored(&kannel_form("pw"));
    let mut moved = kannel_form("");
    moved.kannel.url = "http://sms.example.net:13013".into();
    let mut other_user = kannel_form("");
    other_user.kannel.user_name = "someone".into();

    for form in [moved, other_user] {
        let errors = form.validate(Some(&stored)).unwrap_err();
        let message = errors.get(FieldId::GatewaySecret).unwrap();
        assert!(message.contains("enter the password again"), "{message}");
    }
}

#[test]
fn a_gateway_that_needs_a_secret_refuses_to_save_without_one() {
    let errors = kannel_form("").validate(None).unwrap_err();

    assert_eq!(
        errors.get(FieldId::GatewaySecret),
        Some("Enter the password")
    );
}

#[test]
fn email_to_sms_takes_no_secret_and_drops_a_stored_one() {
    let form = SmsGatewayForm {
        kind: GatewayKind::EmailToSms,
        email_to_sms: EmailToSmsForm {
            address: "{number_digits}@sms.example.net".into(),
        },
        ..SmsGatewayForm::default()
    };
    let typed = SmsGatewayForm {
        secret: SecretText::new("x"),
        ..form.clone()
    };

    assert_eq!(form.validate(None).unwrap().secret, PasswordPlan::Clear);
    assert!(
        typed
            .validate(None)
            .unwrap_err()
            .get(FieldId::GatewaySecret)
            .is_some()
    );
}

#[test]
fn only_the_chosen_kind_is_checked() {
    let mut form = kannel_form("pw");
    form.twilio.account_sid = "not valid!".into();
    form.http.url = "nonsense".into();

    assert!(form.validate(None).is_ok());
}

#[test]
fn limits_are_checked_beside_their_fields() {
    let mut form = kannel_form("pw");
    form.max_segments = "12".into();
    form.timeout_secs = "0".into();

    let errors = form.validate(None).unwrap_err();

    assert!(errors.get(FieldId::MaxSegments).is_some());
    assert!(errors.get(FieldId::GatewayTimeout).is_some());
}

#[test]
fn a_view_becomes_the_form_it_was_saved_from() {
    let typed = kannel_form("");
    let settings = kannel_form("pw").validate(None).unwrap();
    let view = SmsGatewayView {
        gateway: settings.gateway,
        secret_stored: true,
        max_segments: settings.max_segments,
        timeout_secs: settings.timeout_secs,
        ca_certificate: None,
        updated_at: "2026-12-04T00:00:00Z".into(),
    };

    let mut expected = typed;
    expected.kannel.url = "http://127.0.0.1:13013/cgi-bin/sendsms".into();
    assert_eq!(view.to_form(), expected);
}

#[test]
fn a_view_survives_a_round_trip_through_json() {
    let settings = kannel_form("pw").validate(None).unwrap();
    let view = SmsGatewayView {
        gateway: settings.gateway,
        secret_stored: true,
        max_segments: 3,
        timeout_secs: 10,
        ca_certificate: None,
        updated_at: "2026-12-04T00:00:00Z".into(),
    };

    let json = serde_json::to_string(&view).unwrap();

    assert!(!json.contains("pw"));
    assert_eq!(serde_json::from_str::<SmsGatewayView>(&json).unwrap(), view);
}

#[test]
fn a_trusted_ca_is_refused_for_a_plain_http_gateway() {
    let mut form = kannel_form("pw");
    form.ca_certificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----".into();

    let errors = form.validate(None).unwrap_err();

    assert!(errors.get(FieldId::CaCertificate).is_some());
}

#[test]
fn the_page_can_tell_when_a_save_would_drop_the_stored_secret() {
    let stored = stored(&kannel_form("pw"));
    let mut moved = kannel_form("");
    moved.kannel.url = "http://sms.example.net:13013".into();

    assert!(!kannel_form("").drops_stored_secret(Some(&stored)));
    assert!(moved.drops_stored_secret(Some(&stored)));
    assert!(!kannel_form("new").drops_stored_secret(Some(&stored)));
}

#[test]
fn a_secret_over_plain_http_to_another_machine_gets_a_warning() {
    let mut remote = kannel_form("pw");
    remote.kannel.url = "http://kannel.example.net:13013".into();
    let mut secure = remote.clone();
    secure.kannel.url = "https://kannel.example.net:13013".into();

    assert!(remote.url_warning().unwrap().contains("unencrypted"));
    assert_eq!(secure.url_warning(), None);
    assert_eq!(kannel_form("pw").url_warning(), None);
}
