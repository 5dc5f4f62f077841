//! The standard proxy environment variables. This is the only test of its
//! binary: it changes the process environment, which no other test may
//! read at the same time.

mod support;

use sdkgen_runtime::connection::Connection;
use support::*;

fn from_environment(server: &Server) -> Connection {
    // No `no_proxy()`: the environment decides.
    Connection::builder_for(server.url(API), &ENGINE)
        .username(USER)
        .password(PASSWORD)
        .ca_pem(pki().ca_pem.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn proxy_environment_variables_are_honoured() {
    let server = Server::start_tls(engine(|_| Reply::xml(200, "<api/>"))).await;
    let proxy = Proxy::start().await;
    let set = |name: &str, value: &str| {
        // SAFETY: this binary runs this one test; nothing else reads the
        // environment concurrently.
        unsafe { std::env::set_var(name, value) }
    };
    let unset = |name: &str| unsafe { std::env::remove_var(name) };
    for name in
        ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"]
    {
        unset(name);
    }

    // Without variables: direct.
    from_environment(&server).test_or_error().await.unwrap();
    assert!(proxy.seen().is_empty());

    // HTTPS_PROXY is read when the connection is built.
    set("HTTPS_PROXY", &proxy.url());
    from_environment(&server).test_or_error().await.unwrap();
    assert_eq!(proxy.seen().len(), 1);
    assert_eq!(proxy.seen()[0].0, format!("CONNECT 127.0.0.1:{} HTTP/1.1", server.addr.port()));

    // `no_proxy()` ignores the environment.
    builder(&server).build().unwrap().test_or_error().await.unwrap();
    assert_eq!(proxy.seen().len(), 1);

    // NO_PROXY excludes hosts.
    set("NO_PROXY", "127.0.0.1");
    from_environment(&server).test_or_error().await.unwrap();
    assert_eq!(proxy.seen().len(), 1);
    unset("NO_PROXY");

    // An explicit proxy replaces the environment's (here: a dead one in
    // the environment, a working one given).
    set("HTTPS_PROXY", "http://127.0.0.1:9");
    builder(&server).proxy(proxy.url()).build().unwrap().test_or_error().await.unwrap();
    assert_eq!(proxy.seen().len(), 2);
    unset("HTTPS_PROXY");
}
