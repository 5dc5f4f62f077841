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
            // Prints nothing if the server left out one of these members.
            let print = || {
                let s = api.summary()?;
                println!(
                    "version: {}\nhosts: {}\nsds: {}\nusers: {}\nvms: {}",
                    api.product_info()?.version()?.full_version()?,
                    s.hosts()?.total()?,
                    s.storage_domains()?.total()?,
                    s.users()?.total()?,
                    s.vms()?.total()?,
                );
                Some(())
            };
            print();
            Ok(())
        })
        .await
}
