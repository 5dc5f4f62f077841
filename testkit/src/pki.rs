//! The certificates of a test run, made once per process.

use std::sync::{Arc, OnceLock};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The certificates of a test run: a CA, a server certificate it signed
/// for `localhost` and `127.0.0.1`, and one for another name only.
pub struct Pki {
    pub ca_pem: String,
    pub server: Arc<ServerConfig>,
    pub wrong_name: Arc<ServerConfig>,
    /// A CA that signed nothing the servers use.
    pub other_ca_pem: String,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let ca_key = KeyPair::generate().unwrap();
        let params = ca_params("sdkgen test CA");
        let ca_cert = params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(params, ca_key);
        let other_key = KeyPair::generate().unwrap();
        let other_ca = ca_params("another CA").self_signed(&other_key).unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            server: server_config(&["localhost", "127.0.0.1"], &issuer, ca_cert.der()),
            wrong_name: server_config(&["engine.example.test"], &issuer, ca_cert.der()),
            other_ca_pem: other_ca.pem(),
        }
    })
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    params
}

fn server_config(names: &[&str], issuer: &Issuer<'_, KeyPair>, ca: &CertificateDer<'static>) -> Arc<ServerConfig> {
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = CertificateParams::new(names).unwrap().signed_by(&key, issuer).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone(), ca.clone()], key)
        .unwrap();
    Arc::new(config)
}
