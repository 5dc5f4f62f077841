//! Polls the events of the engine, printing each new one. The index of the
//! last event printed is kept in `index.txt`, so that a restart loses none
//! (a real application would rather keep it in its database).

use std::time::Duration;

use ovirt_sdk::prelude::*;

fn read_index() -> Option<i64> {
    std::fs::read_to_string("index.txt").ok()?.trim().parse().ok()
}

/// Prints an event and records it as the last one processed.
fn process(event: &Event) -> std::io::Result<()> {
    println!("{} - {}", event.id().unwrap_or_default(), event.description().unwrap_or_default());
    std::fs::write("index.txt", event.id().unwrap_or_default())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            let events = conn.system_service().events_service();
            // Without a stored index, start from the newest event (events
            // are sorted by index, so `max(1)` gives the last one).
            if read_index().is_none() {
                if let Some(event) = events.list().max(1).first().await? {
                    process(&event)?;
                }
            }
            // Then fetch, every 5 s, the events newer than the last one.
            loop {
                tokio::time::sleep(Duration::from_secs(5)).await;
                for event in events.list().from(read_index()).send().await? {
                    process(&event)?;
                }
            }
        })
        .await
}
