//! Deploys a VM whose definition exists, following the task to its end, and
//! says what happened: deployed, busy (retry later), or failed with the
//! server's reason.
//!
//! `cargo run -p danube-cloud-sdk-tests --example deploy_vm -- https://cloud.example.com/api web01.example.com`
//! (logs in with `ES_USERNAME` and `ES_PASSWORD`).

use std::time::Duration;

use danube_cloud_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "https://cloud.example.com/api".to_owned());
    let hostname = args.next().unwrap_or_else(|| "web01.example.com".to_owned());
    let client = Client::builder(url)
        .credentials(std::env::var("ES_USERNAME").unwrap_or_default(), std::env::var("ES_PASSWORD").unwrap_or_default())
        .task_deadline(Duration::from_secs(15 * 60))
        .build()?;
    match client.vms_service().vm_service(&hostname).create().send().await {
        Ok(outcome) => println!("{hostname}: {}", outcome.message().unwrap_or("deployed")),
        Err(e) if e.kind() == ErrorKind::RetryLater => println!("{hostname} is busy, try again later: {e}"),
        Err(e) if e.kind() == ErrorKind::TaskFailed => println!("{hostname} was not deployed: {:?}", e.detail()),
        Err(e) => return Err(e),
    }
    client.close().await
}
