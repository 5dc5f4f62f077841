//! The rustls client configuration: which certificates are trusted, and
//! the explicit `insecure` mode.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::error::{Error, ErrorKind};

/// What the builder collected about TLS.
pub(crate) struct TlsSettings<'a> {
    pub(crate) insecure: bool,
    pub(crate) ca_file: Option<&'a Path>,
    pub(crate) ca_pem: &'a [Vec<u8>],
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the client configuration. Only the `ring` provider is used, and
/// it is passed explicitly: nothing depends on a process-wide default.
pub(crate) fn client_config(settings: &TlsSettings<'_>) -> Result<ClientConfig, Error> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(ErrorKind::Tls, format!("Can't set up TLS: {e}")))?;
    let config = if settings.insecure {
        let verifier = AcceptAnyCertificate { algorithms: provider.signature_verification_algorithms };
        builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier)).with_no_client_auth()
    } else {
        builder.with_root_certificates(trusted_roots(settings)?).with_no_client_auth()
    };
    Ok(config)
}

/// The CA file and PEM bytes when given (they replace the system store),
/// else the system store.
fn trusted_roots(settings: &TlsSettings<'_>) -> Result<Arc<RootCertStore>, Error> {
    if settings.ca_file.is_none() && settings.ca_pem.is_empty() {
        return system_roots();
    }
    let mut roots = RootCertStore::empty();
    if let Some(path) = settings.ca_file {
        let shown = path.display();
        let bytes = std::fs::read(path).map_err(|e| {
            let message = if e.kind() == std::io::ErrorKind::NotFound {
                format!("The CA file '{shown}' doesn't exist.")
            } else {
                format!("The CA file '{shown}' can't be read: {e}.")
            };
            Error::new(ErrorKind::InvalidInput, message).with_io_source(e)
        })?;
        add_pem(&mut roots, &bytes, &format!("the CA file '{shown}'"))?;
    }
    for (i, pem) in settings.ca_pem.iter().enumerate() {
        add_pem(&mut roots, pem, &format!("CA PEM number {}", i + 1))?;
    }
    Ok(Arc::new(roots))
}

fn add_pem(roots: &mut RootCertStore, pem: &[u8], what: &str) -> Result<(), Error> {
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| Error::new(ErrorKind::Tls, format!("Can't read {what}: {e}.")))?;
        roots
            .add(cert)
            .map_err(|e| Error::new(ErrorKind::Tls, format!("A certificate of {what} isn't usable: {e}.")))?;
        added += 1;
    }
    if added == 0 {
        return Err(Error::new(ErrorKind::Tls, format!("There is no PEM certificate in {what}.")));
    }
    Ok(())
}

/// The system's trusted certificates, loaded once per process (also
/// honours `SSL_CERT_FILE` and `SSL_CERT_DIR`).
fn system_roots() -> Result<Arc<RootCertStore>, Error> {
    static ROOTS: OnceLock<Result<Arc<RootCertStore>, String>> = OnceLock::new();
    let loaded = ROOTS.get_or_init(|| {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        let (added, _ignored) = roots.add_parsable_certificates(found.certs);
        if added == 0 {
            let why = found.errors.first().map(|e| format!(" ({e})")).unwrap_or_default();
            return Err(format!(
                "No trusted CA certificate was found in the system store{why}; give the CA of the server with \
                 `ca_file` or `ca_pem`."
            ));
        }
        Ok(Arc::new(roots))
    });
    loaded.clone().map_err(|m| Error::new(ErrorKind::Tls, m))
}

/// The verifier of `insecure` mode: any certificate and any host name are
/// accepted, but the handshake signatures are still checked, so the
/// session is at least bound to the key of the certificate presented.
#[derive(Debug)]
struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
