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
    let tasks = client.tasks_service();
    for page in 1.. {
        let entries = tasks.log().page(page).object_type("vm").object_name(hostname.as_str()).send().await?;
        for entry in entries.results() {
            let status = entry.status().map(|s| s.to_string()).unwrap_or_default();
            println!("{} {status:<8} {}", entry.time().unwrap_or_default(), entry.msg().unwrap_or_default());
        }
        if entries.next().is_none() {
            break;
        }
    }
    Ok(())
}
