//! Prints the name and id of the virtual machines a search matches (the
//! query language is the one of the search bar of the web UI).

use ovirt_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            for vm in
                conn.system_service().vms_service().list().search("name=MYVM").case_sensitive(false).send().await?
            {
                println!("{}: {}", vm.name().unwrap_or_default(), vm.id().unwrap_or_default());
            }
            Ok(())
        })
        .await
}
