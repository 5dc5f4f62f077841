//! Lists the VMs of a virtual data center with their state and size.
//!
//! `cargo run -p danube-cloud-sdk-tests --example list_vms -- https://cloud.example.com/api main`
//! (the API key comes from `ES_API_KEY`).

use danube_cloud_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "https://cloud.example.com/api".to_owned());
    let mut builder = Client::builder(url).api_key(std::env::var("ES_API_KEY").unwrap_or_default());
    if let Some(dc) = args.next() {
        builder = builder.dc(dc);
    }
    let client = builder.build()?;
    for vm in client.vms_service().list_full().order_by("hostname").send().await? {
        let status = vm.status().map(|s| s.to_string()).unwrap_or_default();
        println!(
            "{:<30} {:<12} {:>3} vCPU {:>7} MB",
            vm.hostname().unwrap_or("?"),
            status,
            vm.vcpus().unwrap_or(0),
            vm.ram().unwrap_or(0)
        );
    }
    Ok(())
}
