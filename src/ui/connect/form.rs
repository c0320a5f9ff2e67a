// The Connect form's fields as signals, filled from this browser's preferences (client id,
// redirect URI, scopes) and this tab's typed secret when the provider changes, and handed to
// the controller as a `ClientForm`. Where a typed secret may be kept is the controller's call.

use super::super::state::Ctl;
use crate::platform::local_storage;
use crate::providers::Provider;
use crate::session::{load_prefs, save_prefs, Attempt, ClientForm, DeviceStart, Prefs};
use crate::types::{ClientId, ClientSecret, ProviderId, Scope};
use leptos::prelude::*;

/// The grant the Connect card uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantChoice {
    /// RFC 6749 §4.1 (with PKCE, PAR, OIDC as the provider allows).
    Code,
    /// RFC 8628.
    Device,
    /// RFC 6749 §4.4.
    Client,
}

impl GrantChoice {
    /// The grants `provider` offers, the redirect first.
    pub fn offered(provider: &Provider) -> Vec<GrantChoice> {
        let st = &provider.standards;
        let mut list = Vec::new();
        if !provider.authorize_url.is_empty() {
            list.push(GrantChoice::Code);
        }
        if st.device_authorization.is_some() {
            list.push(GrantChoice::Device);
        }
        if provider.group == crate::providers::Group::Custom
            && !st.grant_types.is_empty()
            && st.offers("client_credentials")
        {
            list.push(GrantChoice::Client);
        }
        list
    }

    pub fn label(self) -> &'static str {
        match self {
            GrantChoice::Code => "Authorization code",
            GrantChoice::Device => "Device code",
            GrantChoice::Client => "Client credentials",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            GrantChoice::Code => "code",
            GrantChoice::Device => "device",
            GrantChoice::Client => "client",
        }
    }
}

#[derive(Clone, Copy)]
pub struct ConnectForm {
    pub client_id: RwSignal<String>,
    pub client_secret: RwSignal<String>,
    pub redirect_uri: RwSignal<String>,
    pub scopes: RwSignal<Vec<Scope>>,
    pub api_key: RwSignal<String>,
    /// Extra authorize parameters as typed (name, value).
    pub extra: RwSignal<Vec<(String, String)>>,
    pub use_par: RwSignal<bool>,
    pub use_dpop: RwSignal<bool>,
    /// How the credential is got: the redirect, a device code, or as the client.
    pub grant: RwSignal<GrantChoice>,
    /// A device sign-in waiting for the user.
    pub device: RwSignal<Option<DeviceStart>>,
    pub problem: RwSignal<Option<String>>,
    /// The next attempt's state (and PKCE pair), made ahead so the URL shown is the URL used.
    attempt: StoredValue<Option<Attempt>, LocalStorage>,
    pub attempt_version: RwSignal<u32>,
    /// The provider the fields belong to (they are saved under its id as they are typed).
    pub filled_for: RwSignal<ProviderId>,
}

impl ConnectForm {
    pub fn new() -> Self {
        ConnectForm {
            client_id: RwSignal::new(String::new()),
            client_secret: RwSignal::new(String::new()),
            redirect_uri: RwSignal::new(String::new()),
            scopes: RwSignal::new(Vec::new()),
            api_key: RwSignal::new(String::new()),
            extra: RwSignal::new(Vec::new()),
            use_par: RwSignal::new(false),
            use_dpop: RwSignal::new(false),
            grant: RwSignal::new(GrantChoice::Code),
            device: RwSignal::new(None),
            problem: RwSignal::new(None),
            attempt: StoredValue::new_local(None),
            attempt_version: RwSignal::new(0),
            filled_for: RwSignal::new(ProviderId::default()),
        }
    }

    /// Fills the fields for `provider`: saved preferences, else its defaults.
    pub fn fill(&self, provider: &Provider, app_callback: &str, ctl: &Ctl) {
        self.filled_for.set(provider.id.clone());
        let prefs = load_prefs(&local_storage(), &provider.id).unwrap_or_default();
        let or = |saved: String, fallback: String| if saved.is_empty() { fallback } else { saved };
        self.client_id.set(or(
            prefs.client_id.to_string(),
            provider.default_client_id.clone(),
        ));
        self.redirect_uri
            .set(or(prefs.redirect_uri, app_callback.to_string()));
        self.scopes.set(if prefs.scopes.is_empty() {
            provider.default_scopes.clone()
        } else {
            prefs.scopes
        });
        let typed = ctl
            .typed_secret(&provider.id)
            .map(|s| s.expose().to_string());
        self.client_secret.set(
            typed
                .or(provider.demo_client_secret.clone())
                .unwrap_or_default(),
        );
        self.api_key
            .set(provider.demo_api_key.clone().unwrap_or_default());
        self.extra.set(prefs.extra);
        self.use_par
            .set(prefs.use_par || provider.standards.par_required);
        self.use_dpop.set(prefs.use_dpop);
        self.grant.set(
            GrantChoice::offered(provider)
                .first()
                .copied()
                .unwrap_or(GrantChoice::Code),
        );
        self.device.set(None);
        ctl.cancel_device();
        self.renew_attempt(provider, ctl);
        self.problem.set(None);
    }

    pub fn renew_attempt(&self, provider: &Provider, ctl: &Ctl) {
        self.attempt.set_value(Some(ctl.attempt(provider)));
        self.attempt_version.update(|v| *v += 1);
    }

    /// The prepared attempt, replaced by a fresh one for next time.
    pub fn take_attempt(&self, provider: &Provider, ctl: &Ctl) -> Attempt {
        let mut next = Some(ctl.attempt(provider));
        self.attempt.update_value(|a| std::mem::swap(a, &mut next));
        self.attempt_version.update(|v| *v += 1);
        next.unwrap_or_else(|| ctl.attempt(provider))
    }

    /// The authorize URL the prepared attempt would use (tracked).
    pub fn preview(&self, provider: &Provider, ctl: &Ctl) -> String {
        self.attempt_version.track();
        let form = self.value();
        self.attempt.with_value(|a| {
            a.as_ref()
                .map(|a| ctl.authorize_url(provider, &form, a))
                .unwrap_or_default()
        })
    }

    /// What is typed, as the controller takes it (tracked).
    pub fn value(&self) -> ClientForm {
        ClientForm {
            client_id: ClientId::new(self.client_id.get()),
            client_secret: ClientSecret::new(self.client_secret.get()),
            redirect_uri: self.redirect_uri.get(),
            scopes: self.scopes.get(),
            extra: self
                .extra
                .get()
                .into_iter()
                .filter(|(k, v)| !(k.trim().is_empty() && v.trim().is_empty()))
                .collect(),
            use_par: self.use_par.get(),
            use_dpop: self.use_dpop.get(),
        }
    }

    /// Keeps what is typed: client id, redirect URI and scopes as this browser's preferences,
    /// the secret as this tab's (when the controller says it may be kept).
    pub fn keep(&self, provider: &Provider, ctl: &Ctl) -> Result<(), String> {
        let value = self.value();
        ctl.keep_typed_secret(provider, &value.client_id, &value.client_secret);
        save_prefs(
            &local_storage(),
            &provider.id,
            &Prefs {
                client_id: ClientId::new(value.client_id.as_str().trim()),
                redirect_uri: value.redirect_uri.trim().into(),
                scopes: value.scopes,
                extra: value.extra,
                use_par: value.use_par,
                use_dpop: value.use_dpop,
            },
        )
        .map_err(|e| e.0)
    }

    /// Adds `scope` unless it is there already.
    pub fn add_scope(&self, scope: Scope) {
        self.scopes.update(|list| {
            if !list.contains(&scope) {
                list.push(scope);
            }
        });
    }

    pub fn toggle_scope(&self, scope: &Scope) {
        self.scopes
            .update(|list| match list.iter().position(|x| x == scope) {
                Some(i) => {
                    list.remove(i);
                }
                None => list.push(scope.clone()),
            });
    }
}
