//! Prints the task log of one VM, page after page (100 entries a page).
//!
//! `cargo run -p danube-cloud-sdk-tests --example task_log -- https://cloud.example.com/api web01.example.com`
//! (the API key comes from `ES_API_KEY`).

use danube_cloud_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "https://cloud.example.com/api".to_owned());
    let hostname = args.next().unwrap_or_else(|| "web01.example.com".to_owned());
    let client = Client::builder(url).api_key(std::env::var("ES_API_KEY").unwrap_or_default()).build()?;
    let mut pages = client.tasks_service().log().object_type("vm").object_name(hostname.as_str()).pages();
    while let Some(entries) = pages.next_page().await? {
        for entry in entries {
            let status = entry.status().map(|s| s.to_string()).unwrap_or_default();
            println!("{} {status:<8} {}", entry.time().unwrap_or_default(), entry.msg().unwrap_or_default());
        }
    }
    Ok(())
}
