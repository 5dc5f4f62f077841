//! Adds a 10 GiB disk to a virtual machine and waits until it is ready.

use ovirt_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine40.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            let system = conn.system_service();
            let vms = system.vms_service();
            let vm = vms.list().search("name=myvm").one().await?;
            // The size is in bytes.
            let disk = Disk::builder()
                .name("mydisk")
                .description("My disk")
                .format(DiskFormat::Cow)
                .provisioned_size(10 << 30)
                .storage_domains([StorageDomain::named("mydata")]);
            let attachment =
                DiskAttachment::builder().disk(disk).interface(DiskInterface::Virtio).bootable(false).active(true);
            let attachment = vms.vm_service(&vm).disk_attachments_service().add(attachment).send().await?;
            system.disks_service().disk_service(attachment.disk()).wait_until_ok().send().await?;
            Ok(())
        })
        .await
}
