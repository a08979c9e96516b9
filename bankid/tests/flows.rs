//! Order flows against bankid-sim over mutual TLS: completion, failures, refusals,
//! lifetimes, and the RP-side rules (never collect a finished order, cancel on abandon).

mod common;

use std::time::Duration;

use samtal_bankid::api::{decode_data, AuthRequest, Requirement, SignRequest};
use samtal_bankid::sim::{Scenario, SimConfig};
use samtal_bankid::{
    rfa, CallInitiator, Error, ErrorCode, HintCode, PhoneAuthRequest, Rfa, StartMethod, Status,
    UserVisibleDataFormat,
};

fn auth_for(pn: &str) -> AuthRequest {
    let mut req = AuthRequest::new("192.0.2.44");
    req.requirement = Some(Requirement {
        personal_number: Some(pn.into()),
        ..Default::default()
    });
    req
}

#[tokio::test]
async fn order_completes_after_scenario_polls_with_realistic_completion_data() {
    let sim = common::start_default().await;
    let order = sim.client.auth(&auth_for("191212121212")).await.unwrap();
    assert_eq!(order.order_ref.len(), 36);
    let mut poller = sim.poller(&order.order_ref);

    let first = poller.poll().await.unwrap();
    assert_eq!(first.status, Status::Pending);
    assert_eq!(first.hint_code, Some(HintCode::OutstandingTransaction));
    assert_eq!(
        rfa::for_collect(&first, StartMethod::QrCode),
        Some(Rfa::Rfa1)
    );

    let done = poller.poll().await.unwrap();
    assert_eq!(done.status, Status::Complete);
    assert_eq!(rfa::for_collect(&done, StartMethod::QrCode), None);
    let data = done.completion_data.unwrap();
    assert_eq!(data.user.personal_number, "191212121212");
    assert_eq!(data.user.name, "Tolvan Tolvansson");
    assert_eq!(data.device.ip_address, "192.0.2.44");
    assert!(data.device.uhi.is_some());
    assert_eq!(data.bank_id_issue_date.len(), 10);
    assert!(data.step_up.is_none() && data.risk.is_none());
    let xml = data.signature_xml().unwrap();
    assert!(xml.contains("<funcId>Identification</funcId>"));
    let ocsp = decode_data(&data.ocsp_response).unwrap();
    assert_eq!(ocsp[0], 0x30, "OCSP response is a DER SEQUENCE");
}

#[tokio::test]
async fn qr_flow_without_personal_number_uses_default_scenario_and_identity() {
    let sim = common::start(SimConfig {
        default_scenario: Scenario::Complete { after: 3 },
        ..SimConfig::default()
    })
    .await;
    let order = sim
        .client
        .auth(&AuthRequest::new("192.0.2.1"))
        .await
        .unwrap();
    let qr = samtal_bankid::QrGenerator::new(&order.qr_start_token, &order.qr_start_secret);
    let data = qr.current();
    let (token, t, _) = samtal_bankid::qr::parse_qr_data(&data).unwrap();
    assert_eq!(token, order.qr_start_token);
    assert_eq!(t, 0);

    let mut hints = Vec::new();
    let done = sim
        .poller(&order.order_ref)
        .wait(|r| hints.push(r.hint_code.clone()))
        .await
        .unwrap();
    assert_eq!(
        hints,
        vec![
            Some(HintCode::OutstandingTransaction),
            Some(HintCode::UserSign),
            None
        ]
    );
    assert_eq!(
        done.completion_data.unwrap().user.personal_number,
        "198112289874"
    );
}

async fn failed_hint(pn: &str, expected_collects: u32) -> HintCode {
    let sim = common::start_default().await;
    let order = sim.client.auth(&auth_for(pn)).await.unwrap();
    let mut poller = sim.poller(&order.order_ref);
    let done = poller.wait(|_| {}).await.unwrap();
    assert_eq!(done.status, Status::Failed);
    assert_eq!(
        sim.server.collect_count(&order.order_ref),
        Some(expected_collects)
    );
    done.hint_code.unwrap()
}

#[tokio::test]
async fn user_cancel_fails_the_order() {
    let hint = failed_hint("199001019810", 2).await;
    assert_eq!(hint, HintCode::UserCancel);
    assert_eq!(
        rfa::for_failure(Some(&hint), StartMethod::QrCode),
        Rfa::Rfa6
    );
}

#[tokio::test]
async fn expired_transaction_scenario_fails_the_order() {
    let hint = failed_hint("199001019828", 2).await;
    assert_eq!(hint, HintCode::ExpiredTransaction);
    assert_eq!(
        rfa::for_failure(Some(&hint), StartMethod::QrCode),
        Rfa::Rfa8
    );
}

#[tokio::test]
async fn certificate_error_fails_on_first_collect() {
    let hint = failed_hint("199001019836", 1).await;
    assert_eq!(hint, HintCode::CertificateErr);
    assert_eq!(
        rfa::for_failure(Some(&hint), StartMethod::QrCode),
        Rfa::Rfa16
    );
}

#[tokio::test]
async fn start_failure_fails_the_order() {
    let hint = failed_hint("199001019844", 2).await;
    assert_eq!(hint, HintCode::StartFailed);
    assert_eq!(
        rfa::for_failure(Some(&hint), StartMethod::QrCode),
        Rfa::Rfa17B
    );
}

#[tokio::test]
async fn already_in_progress_refuses_and_cancels_the_running_order() {
    let sim = common::start_default().await;
    let err = sim
        .client
        .auth(&auth_for("199001019851"))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Api {
            http_status: 400,
            code: ErrorCode::AlreadyInProgress,
            ..
        }
    ));

    let first = sim.client.auth(&auth_for("198112289874")).await.unwrap();
    let err = sim
        .client
        .auth(&auth_for("198112289874"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::AlreadyInProgress));
    assert_eq!(rfa::for_error(err.code().unwrap()), Rfa::Rfa4);
    let r = sim.client.collect(&first.order_ref).await.unwrap();
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.hint_code, Some(HintCode::Cancelled));
}

#[tokio::test]
async fn maintenance_answers_503() {
    let sim = common::start_default().await;
    let err = sim
        .client
        .auth(&auth_for("199001019869"))
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            http_status, code, ..
        } => {
            assert_eq!(*http_status, 503);
            assert_eq!(*code, ErrorCode::Maintenance);
            assert!(code.is_transient());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(rfa::for_error(err.code().unwrap()), Rfa::Rfa5);
}

#[tokio::test]
async fn pending_order_expires_after_its_lifetime() {
    let sim = common::start(SimConfig {
        order_lifetime: Duration::from_millis(300),
        ..SimConfig::default()
    })
    .await;
    let order = sim.client.auth(&auth_for("196809249839")).await.unwrap();
    let r = sim.client.collect(&order.order_ref).await.unwrap();
    assert_eq!(r.status, Status::Pending);
    tokio::time::sleep(Duration::from_millis(350)).await;
    let r = sim.client.collect(&order.order_ref).await.unwrap();
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.hint_code, Some(HintCode::ExpiredTransaction));
}

#[tokio::test]
async fn qr_order_not_started_within_window_never_progresses() {
    let sim = common::start(SimConfig {
        qr_start_window: Duration::from_millis(200),
        order_lifetime: Duration::from_millis(600),
        default_scenario: Scenario::Complete { after: 2 },
        ..SimConfig::default()
    })
    .await;
    let order = sim
        .client
        .auth(&AuthRequest::new("192.0.2.1"))
        .await
        .unwrap();
    sim.client.collect(&order.order_ref).await.unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    for _ in 0..3 {
        let r = sim.client.collect(&order.order_ref).await.unwrap();
        assert_eq!(r.hint_code, Some(HintCode::OutstandingTransaction));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = sim.client.collect(&order.order_ref).await.unwrap();
    assert_eq!(r.hint_code, Some(HintCode::ExpiredTransaction));
}

#[tokio::test]
async fn old_and_unknown_orders_are_invalid_parameters() {
    let sim = common::start(SimConfig {
        retention: Duration::from_millis(200),
        ..SimConfig::default()
    })
    .await;
    let err = sim
        .client
        .collect("6b2b1d8e-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Api {
            http_status: 400,
            code: ErrorCode::InvalidParameters,
            ..
        }
    ));

    let order = sim.client.auth(&auth_for("198506079824")).await.unwrap();
    let r = sim.client.collect(&order.order_ref).await.unwrap();
    assert_eq!(r.status, Status::Complete);
    let again = sim.client.collect(&order.order_ref).await.unwrap();
    assert_eq!(again, r, "a finished order answers the same while retained");
    tokio::time::sleep(Duration::from_millis(250)).await;
    let err = sim.client.collect(&order.order_ref).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidParameters));
}

#[tokio::test]
async fn failed_order_is_never_collected_again() {
    let sim = common::start_default().await;
    let order = sim.client.auth(&auth_for("199001019810")).await.unwrap();
    let mut poller = sim.poller(&order.order_ref);
    let done = poller.wait(|_| {}).await.unwrap();
    assert_eq!(done.hint_code, Some(HintCode::UserCancel));
    let count = sim.server.collect_count(&order.order_ref).unwrap();

    assert!(matches!(poller.poll().await, Err(Error::OrderFinished)));
    assert_eq!(poller.poll_if_due().await.unwrap(), done);
    tokio::time::sleep(common::FAST * 3).await;
    assert_eq!(poller.poll_if_due().await.unwrap(), done);
    drop(poller);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.server.collect_count(&order.order_ref), Some(count));
}

#[tokio::test]
async fn poll_if_due_asks_bankid_at_most_once_per_interval() {
    let sim = common::start_default().await;
    let order = sim.client.auth(&auth_for("196809249839")).await.unwrap();
    let mut poller = samtal_bankid::OrderPoller::new(sim.client.clone(), &order.order_ref)
        .with_interval(Duration::from_millis(300));
    for _ in 0..5 {
        poller.poll_if_due().await.unwrap();
    }
    assert_eq!(sim.server.collect_count(&order.order_ref), Some(1));
    tokio::time::sleep(Duration::from_millis(320)).await;
    poller.poll_if_due().await.unwrap();
    assert_eq!(sim.server.collect_count(&order.order_ref), Some(2));
    poller.cancel().await.unwrap();
}

#[tokio::test]
async fn abandoned_order_is_cancelled() {
    let sim = common::start_default().await;
    let order = sim.client.auth(&auth_for("196809249839")).await.unwrap();
    let mut poller = sim.poller(&order.order_ref);
    poller.poll().await.unwrap();
    drop(poller);
    let mut status = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let r = sim.client.collect(&order.order_ref).await.unwrap();
        if r.status == Status::Failed {
            status = r.hint_code;
            break;
        }
    }
    assert_eq!(status, Some(HintCode::Cancelled));

    let order = sim.client.auth(&auth_for("196809249839")).await.unwrap();
    sim.poller(&order.order_ref).cancel().await.unwrap();
    let r = sim.client.collect(&order.order_ref).await.unwrap();
    assert_eq!(r.hint_code, Some(HintCode::Cancelled));
}

#[tokio::test]
async fn sign_binds_visible_and_non_visible_data_into_a_verifiable_signature() {
    let sim = common::start_default().await;
    let text = "# Journalanteckning\n\nSammanfattning: *hembesök*\n\n`sha256:ab12`";
    let mut req = SignRequest::new("192.0.2.9", text, UserVisibleDataFormat::SimpleMarkdownV1)
        .with_non_visible_data(b"ab12");
    req.requirement = Some(Requirement {
        personal_number: Some("198506079824".into()),
        mrtd: Some(true),
        ..Default::default()
    });
    req.return_risk = Some(true);
    let order = sim.client.sign(&req).await.unwrap();
    let done = sim.poller(&order.order_ref).wait(|_| {}).await.unwrap();
    let data = done.completion_data.unwrap();
    assert_eq!(data.step_up.as_ref().map(|s| s.mrtd), Some(true));
    assert_eq!(data.risk, Some(samtal_bankid::Risk::Low));
    let xml = data.signature_xml().unwrap();
    assert!(xml.contains("<funcId>Signing</funcId>"));
    assert!(xml.contains(&req.user_visible_data));
    assert!(xml.contains(req.user_non_visible_data.as_deref().unwrap()));
    verify_xml_signature(&xml);
}

/// Checks the XML-DSig: both digests, and SignatureValue over SignedInfo with the
/// key of the first certificate in KeyInfo.
fn verify_xml_signature(xml: &str) {
    use base64::Engine;
    use sha2::Digest;
    let b64 = base64::engine::general_purpose::STANDARD;
    let between = |start: &str, end: &str| {
        let i = xml.find(start).unwrap();
        let j = xml[i..].find(end).unwrap() + i + end.len();
        &xml[i..j]
    };
    let signed_info = between("<SignedInfo", "</SignedInfo>");
    let signed_data = between("<bankIdSignedData", "</bankIdSignedData>");
    let key_info = between("<KeyInfo", "</KeyInfo>");
    for part in [signed_data, key_info] {
        let digest = b64.encode(sha2::Sha256::digest(part.as_bytes()));
        assert!(
            signed_info.contains(&digest),
            "digest of a referenced element"
        );
    }
    let value = between("<SignatureValue>", "</SignatureValue>");
    let value = &value["<SignatureValue>".len()..value.len() - "</SignatureValue>".len()];
    let sig = b64.decode(value).unwrap();
    let cert = between("<X509Certificate>", "</X509Certificate>");
    let cert = b64
        .decode(&cert["<X509Certificate>".len()..cert.len() - "</X509Certificate>".len()])
        .unwrap();
    let (_, parsed) = x509_parser::parse_x509_certificate(&cert).unwrap();
    let key = &parsed.tbs_certificate.subject_pki.subject_public_key.data;
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, key)
        .verify(signed_info.as_bytes(), &sig)
        .expect("SignatureValue verifies with the user certificate");
}

#[tokio::test]
async fn phone_auth_asks_to_confirm_the_call_then_completes() {
    let sim = common::start_default().await;
    let req = PhoneAuthRequest {
        personal_number: "197503159845".into(),
        call_initiator: CallInitiator::Rp,
        requirement: None,
        user_visible_data: None,
        user_non_visible_data: None,
        user_visible_data_format: None,
    };
    let order = sim.client.phone_auth(&req).await.unwrap();
    let mut hints = Vec::new();
    let done = sim
        .poller(&order.order_ref)
        .wait(|r| hints.push(r.hint_code.clone()))
        .await
        .unwrap();
    assert_eq!(hints[1], Some(HintCode::UserCallConfirm));
    assert_eq!(done.completion_data.unwrap().user.surname, "Exempelsson");

    let declined = PhoneAuthRequest {
        personal_number: "199001019877".into(),
        ..req
    };
    let order = sim.client.phone_auth(&declined).await.unwrap();
    let done = sim.poller(&order.order_ref).wait(|_| {}).await.unwrap();
    assert_eq!(done.hint_code, Some(HintCode::UserDeclinedCall));
}
