//! Prints the engine's version and how many hosts, storage domains, users
//! and virtual machines it has, from the root of the API.

use ovirt_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            let api = conn.system_service().get().send().await?;
            // Stops at the first member the server did not send.
            let print = || {
                println!("version: {}", api.product_info()?.version()?.full_version()?);
                let s = api.summary()?;
                println!("hosts: {}", s.hosts()?.total()?);
                println!("sds: {}", s.storage_domains()?.total()?);
                println!("users: {}", s.users()?.total()?);
                println!("vms: {}", s.vms()?.total()?);
                Some(())
            };
            print();
            Ok(())
        })
        .await
}
