//! [`Connection::scope`]: a connection that is closed however the work
//! with it ends.

use std::future::Future;

use super::{Connection, Error};

impl Connection {
    /// Runs `work` with this connection, then closes it (revoking the token)
    /// whether `work` succeeded or failed, so that `?` inside it never
    /// leaves a valid token behind on the server.
    ///
    /// The result is `work`'s; when `work` succeeded but closing failed, the
    /// result is the closing error. When both failed, `work`'s error wins
    /// and the closing error is logged as a warning. `work` may use any
    /// error type that a connection [`Error`] converts into (`anyhow`,
    /// `Box<dyn Error>`, …).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), sdkgen_runtime::connection::Error> {
    /// use sdkgen_runtime::connection::{Connection, Request};
    /// # use sdkgen_runtime::connection::{Sso, XmlProtocol};
    /// # static PROTOCOL: XmlProtocol = XmlProtocol {
    /// #     title: "Example", root_path: "/api", headers: &[], query_headers: &[],
    /// #     sso: Some(Sso { token_path: "/sso/token", kerberos_token_path: "/sso/token-http-auth",
    /// #         kerberos_grant: "urn:example:grant", revoke_path: "/sso/logout", scope: "api" }),
    /// # };
    ///
    /// let count = Connection::builder_for("https://engine.example.com/api", &PROTOCOL)
    ///     .username("admin@internal")
    ///     .password("secret")
    ///     .build()?
    ///     .scope(|connection| async move {
    ///         let reply = connection.execute(Request::get("vms"), &[200]).await?;
    ///         Ok::<_, sdkgen_runtime::connection::Error>(reply.body().len())
    ///     })
    ///     .await?;
    /// # let _ = count; Ok(()) }
    /// ```
    pub async fn scope<F, Fut, T, E>(self, work: F) -> Result<T, E>
    where
        F: FnOnce(Connection) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        let outcome = work(self.clone()).await;
        let closed = self.close().await;
        match (outcome, closed) {
            (Ok(value), Ok(())) => Ok(value),
            (Ok(_), Err(closing)) => Err(closing.into()),
            (Err(failure), Ok(())) => Err(failure),
            (Err(failure), Err(closing)) => {
                tracing::warn!(connection = %self.inner.label, error = %closing, "closing the connection failed too");
                Err(failure)
            }
        }
    }
}
