//! Gets a virtual machine and follows the links the server sent with it
//! (its cluster, its template, its permissions) to their full objects.

use ovirt_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            let vm = conn.system_service().vms_service().list().search("name=myvm").one().await?;
            println!("cluster: {}", conn.follow(vm.cluster()).await?.name().unwrap_or_default());
            println!("template: {}", conn.follow(vm.template()).await?.name().unwrap_or_default());
            for permission in conn.follow(&vm.permissions).await? {
                println!("role: {}", permission.role().id().unwrap_or_default());
            }
            Ok(())
        })
        .await
}
