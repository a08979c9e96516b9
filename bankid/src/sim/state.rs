//! The simulator's orders and their lifecycle: scenario progress per collect, the
//! 30-second QR start window, the ~3-minute order lifetime, and forgetting old orders.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::api::{CollectResponse, CompletionData};
use crate::codes::{ErrorCode, HintCode, Status};
use crate::sim::completion::{SignedContent, UserSigner};
use crate::sim::scenario::Scenario;

/// Timings and defaults of the simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// How long after creation a QR/autostart order can still be started (BankID: 30 s).
    pub qr_start_window: Duration,
    /// How long an order may stay pending before it fails with `expiredTransaction`.
    pub order_lifetime: Duration,
    /// How long a finished order can still be collected before it is unknown.
    pub retention: Duration,
    /// Scenario of orders without a personal number (the QR flow).
    pub default_scenario: Scenario,
    /// Who completes an order without a personal number.
    pub default_personal_number: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            qr_start_window: Duration::from_secs(30),
            order_lifetime: Duration::from_secs(180),
            retention: Duration::from_secs(180),
            default_scenario: Scenario::Complete { after: 3 },
            default_personal_number: "198112289874".into(),
        }
    }
}

/// Which endpoint created an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OrderKind {
    Auth,
    Sign,
    PhoneAuth,
    PhoneSign,
}

impl OrderKind {
    fn is_phone(self) -> bool {
        matches!(self, Self::PhoneAuth | Self::PhoneSign)
    }
}

/// An error response: BankID's code and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub details: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, details: impl Into<String>) -> Self {
        Self {
            code,
            details: details.into(),
        }
    }
}

/// A validated auth/sign/phone request.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub kind: OrderKind,
    pub personal_number: Option<String>,
    pub content: SignedContent,
}

/// Tokens of a created order.
#[derive(Debug, Clone)]
pub struct Created {
    pub order_ref: String,
    pub auto_start_token: String,
    pub qr_start_token: String,
    pub qr_start_secret: String,
}

#[derive(Debug, Clone)]
enum Progress {
    Pending(HintCode),
    Failed(HintCode),
    Complete(Box<CompletionData>),
}

struct Order {
    kind: OrderKind,
    personal_number: Option<String>,
    scenario: Scenario,
    content: SignedContent,
    created: Instant,
    started: Option<Instant>,
    finished: Option<Instant>,
    collects: u32,
    progress: Progress,
}

/// A summary of one order for `/admin/orders`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummary {
    pub order_ref: String,
    pub kind: OrderKind,
    pub status: Status,
    pub hint_code: Option<HintCode>,
    pub collects: u32,
    pub age_seconds: u64,
}

/// All orders of one simulator.
pub struct Orders {
    pub config: SimConfig,
    signer: UserSigner,
    orders: HashMap<String, Order>,
    latest: Option<String>,
}

impl Orders {
    pub fn new(config: SimConfig, signer: UserSigner) -> Self {
        Self {
            config,
            signer,
            orders: HashMap::new(),
            latest: None,
        }
    }

    /// auth / sign / phone: applies the scenario's refusals and BankID's
    /// one-order-per-person rule, then creates the order.
    pub fn create(&mut self, new: NewOrder, now: Instant) -> Result<Created, ApiError> {
        self.expire(now);
        let scenario = match &new.personal_number {
            Some(pn) => Scenario::for_personal_number(pn),
            None => self.config.default_scenario.clone(),
        };
        match scenario {
            Scenario::Maintenance => {
                return Err(ApiError::new(
                    ErrorCode::Maintenance,
                    "The service is temporarily unavailable. Please try again later.",
                ))
            }
            Scenario::AlreadyInProgress => {
                return Err(ApiError::new(
                    ErrorCode::AlreadyInProgress,
                    "Order already in progress for pno",
                ))
            }
            _ => {}
        }
        if let Some(pn) = &new.personal_number {
            let running = self.orders.values_mut().find(|o| {
                o.personal_number.as_deref() == Some(pn)
                    && matches!(o.progress, Progress::Pending(_))
            });
            if let Some(order) = running {
                order.progress = Progress::Failed(HintCode::Cancelled);
                order.finished = Some(now);
                return Err(ApiError::new(
                    ErrorCode::AlreadyInProgress,
                    "Order already in progress for pno",
                ));
            }
        }
        let created = Created {
            order_ref: uuid::Uuid::new_v4().to_string(),
            auto_start_token: uuid::Uuid::new_v4().to_string(),
            qr_start_token: uuid::Uuid::new_v4().to_string(),
            qr_start_secret: uuid::Uuid::new_v4().to_string(),
        };
        self.orders.insert(
            created.order_ref.clone(),
            Order {
                kind: new.kind,
                personal_number: new.personal_number,
                scenario,
                content: new.content,
                created: now,
                started: None,
                finished: None,
                collects: 0,
                progress: Progress::Pending(HintCode::OutstandingTransaction),
            },
        );
        self.latest = Some(created.order_ref.clone());
        Ok(created)
    }

    /// collect: advances the order's scenario by one collect and reports its state.
    pub fn collect(&mut self, order_ref: &str, now: Instant) -> Result<CollectResponse, ApiError> {
        self.expire(now);
        let config = self.config.clone();
        let order = self.orders.get_mut(order_ref).ok_or_else(no_such_order)?;
        order.collects += 1;
        if matches!(order.progress, Progress::Pending(_)) {
            let next = advance(order, &config, now);
            order.progress = match next {
                Step::Pending(hint) => Progress::Pending(hint),
                Step::Fail(hint) => Progress::Failed(hint),
                Step::Complete(pn) => Progress::Complete(Box::new(
                    self.signer
                        .complete(&pn, &order.content)
                        .map_err(|_| ApiError::new(ErrorCode::InternalError, "Internal error"))?,
                )),
            };
            if !matches!(order.progress, Progress::Pending(_)) {
                order.finished = Some(now);
            }
        }
        Ok(response(order_ref, order))
    }

    /// cancel: a pending order fails with `cancelled`.
    pub fn cancel(&mut self, order_ref: &str, now: Instant) -> Result<(), ApiError> {
        self.expire(now);
        let order = self.orders.get_mut(order_ref).ok_or_else(no_such_order)?;
        if matches!(order.progress, Progress::Pending(_)) {
            order.progress = Progress::Failed(HintCode::Cancelled);
            order.finished = Some(now);
        }
        Ok(())
    }

    /// Admin: the user completes a pending order (as `personal_number`, or the order's
    /// own / the default identity). `order_ref` may be `latest`.
    pub fn admin_complete(
        &mut self,
        order_ref: &str,
        personal_number: Option<String>,
        now: Instant,
    ) -> Result<String, String> {
        let order_ref = self.resolve(order_ref)?;
        let default_pn = self.config.default_personal_number.clone();
        let order = self.pending_mut(&order_ref, now)?;
        if let (Some(requested), Some(own)) = (&personal_number, &order.personal_number) {
            if requested != own {
                return Err("the order was started for another personal number".into());
            }
        }
        let pn = personal_number
            .or_else(|| order.personal_number.clone())
            .unwrap_or(default_pn);
        let content = order.content.clone();
        let data = self
            .signer
            .complete(&pn, &content)
            .map_err(|e| format!("could not build completion data: {e}"))?;
        let order = self.orders.get_mut(&order_ref).ok_or("no such order")?;
        order.progress = Progress::Complete(Box::new(data));
        order.finished = Some(now);
        Ok(order_ref)
    }

    /// Admin: moves a pending order to another pending hint or fails it.
    pub fn admin_hint(
        &mut self,
        order_ref: &str,
        hint: HintCode,
        now: Instant,
    ) -> Result<String, String> {
        let order_ref = self.resolve(order_ref)?;
        let order = self.pending_mut(&order_ref, now)?;
        if hint.is_failure() {
            order.progress = Progress::Failed(hint);
            order.finished = Some(now);
        } else {
            order.started.get_or_insert(now);
            order.progress = Progress::Pending(hint);
        }
        Ok(order_ref)
    }

    /// Admin: every order still known.
    pub fn summaries(&mut self, now: Instant) -> Vec<OrderSummary> {
        self.expire(now);
        let mut list: Vec<_> = self
            .orders
            .iter()
            .map(|(order_ref, o)| {
                let r = response(order_ref, o);
                (
                    o.created,
                    OrderSummary {
                        order_ref: order_ref.clone(),
                        kind: o.kind,
                        status: r.status,
                        hint_code: r.hint_code,
                        collects: o.collects,
                        age_seconds: now.duration_since(o.created).as_secs(),
                    },
                )
            })
            .collect();
        list.sort_by_key(|(created, _)| *created);
        list.into_iter().map(|(_, s)| s).collect()
    }

    /// How many times an order has been collected (tests use this to prove the RP
    /// stopped collecting).
    pub fn collect_count(&self, order_ref: &str) -> Option<u32> {
        self.orders.get(order_ref).map(|o| o.collects)
    }

    fn resolve(&self, order_ref: &str) -> Result<String, String> {
        if order_ref == "latest" {
            self.latest
                .clone()
                .ok_or_else(|| "no order has been started".into())
        } else {
            Ok(order_ref.to_string())
        }
    }

    fn pending_mut(&mut self, order_ref: &str, now: Instant) -> Result<&mut Order, String> {
        self.expire(now);
        let order = self.orders.get_mut(order_ref).ok_or("no such order")?;
        if !matches!(order.progress, Progress::Pending(_)) {
            return Err("the order has already finished".into());
        }
        Ok(order)
    }

    /// Expires pending orders past their lifetime and forgets finished ones past retention.
    fn expire(&mut self, now: Instant) {
        let SimConfig {
            order_lifetime,
            retention,
            ..
        } = self.config;
        for order in self.orders.values_mut() {
            if matches!(order.progress, Progress::Pending(_))
                && now.duration_since(order.created) >= order_lifetime
            {
                order.progress = Progress::Failed(HintCode::ExpiredTransaction);
                order.finished = Some(order.created + order_lifetime);
            }
        }
        self.orders
            .retain(|_, o| o.finished.is_none_or(|f| now.duration_since(f) < retention));
    }
}

enum Step {
    Pending(HintCode),
    Fail(HintCode),
    Complete(String),
}

/// What the `collects`-th collect of a pending order sees.
fn advance(order: &mut Order, config: &SimConfig, now: Instant) -> Step {
    let k = order.collects;
    let start = |order: &mut Order| -> bool {
        if order.started.is_some() {
            return true;
        }
        let late = now.duration_since(order.created) > config.qr_start_window;
        if late && !order.kind.is_phone() {
            return false;
        }
        order.started = Some(now);
        true
    };
    let waiting = |order: &mut Order| {
        if k >= 2 && start(order) {
            if order.kind.is_phone() && k == 2 {
                HintCode::UserCallConfirm
            } else {
                HintCode::UserSign
            }
        } else if let Progress::Pending(hint) = &order.progress {
            hint.clone()
        } else {
            HintCode::OutstandingTransaction
        }
    };
    match order.scenario.clone() {
        Scenario::Complete { after } if k >= after && start(order) => Step::Complete(
            order
                .personal_number
                .clone()
                .unwrap_or_else(|| config.default_personal_number.clone()),
        ),
        Scenario::Fail { hint, after } if k >= after => Step::Fail(hint),
        _ => Step::Pending(waiting(order)),
    }
}

fn response(order_ref: &str, order: &Order) -> CollectResponse {
    let (status, hint_code, completion_data) = match &order.progress {
        Progress::Pending(h) => (Status::Pending, Some(h.clone()), None),
        Progress::Failed(h) => (Status::Failed, Some(h.clone()), None),
        Progress::Complete(c) => (Status::Complete, None, Some((**c).clone())),
    };
    CollectResponse {
        order_ref: order_ref.to_string(),
        status,
        hint_code,
        completion_data,
    }
}

fn no_such_order() -> ApiError {
    ApiError::new(ErrorCode::InvalidParameters, "No such order")
}
