//! Adds a snapshot to a virtual machine.

use ovirt_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            let vms = conn.system_service().vms_service();
            let vm = vms.list().search("name=myvm").one().await?;
            let snapshot = Snapshot::builder().description("My snapshot");
            vms.vm_service(&vm).snapshots_service().add(snapshot).send().await?;
            Ok(())
        })
        .await
}
