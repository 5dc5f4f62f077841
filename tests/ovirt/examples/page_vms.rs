//! Lists the virtual machines page by page.

use ovirt_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            let mut pages = conn.system_service().vms_service().list().pages(1);
            while let Some(page) = pages.next_page().await? {
                for vm in page {
                    println!("{}", vm.name().unwrap_or_default());
                }
            }
            Ok(())
        })
        .await
}
