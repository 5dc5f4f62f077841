//! Creates a virtual machine from the `Blank` template in a cluster.

use ovirt_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            let vm = Vm::builder().name("myvm").cluster(Cluster::named("mycluster")).template(Template::named("Blank"));
            conn.system_service().vms_service().add(vm).send().await?;
            Ok(())
        })
        .await
}
