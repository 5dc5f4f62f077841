//! Adds a network interface card to a virtual machine, connected to the
//! vNIC profile of a network of the VM's data center (profile names can
//! repeat across data centers, so the network is found first).

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
            let cluster = conn.follow(vm.cluster()).await?;
            let dcs = system.data_centers_service();
            let search = format!("Clusters.name={}", cluster.name().unwrap_or_default());
            let dc = dcs.list().search(search).one().await?;
            let networks = dcs.data_center_service(&dc).networks_service().list().send().await?;
            let network = networks.iter().find(|n| n.name() == Some("mynetwork"));
            let profiles = system.vnic_profiles_service().list().send().await?;
            let profile = profiles.iter().find(|p| p.name() == Some("mynetwork") && p.network().id() == network.id());
            let nic = Nic::builder()
                .name("mynic")
                .description("My network interface card")
                .vnic_profile(VnicProfile::builder().id(profile.id()));
            vms.vm_service(&vm).nics_service().add(nic).send().await?;
            Ok(())
        })
        .await
}
