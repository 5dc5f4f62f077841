//! Connects to the engine and prints the name and id of every virtual machine.

use ovirt_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            for vm in conn.system_service().vms_service().list().send().await? {
                println!("{}: {}", vm.name().unwrap_or_default(), vm.id().unwrap_or_default());
            }
            Ok(())
        })
        .await
}
