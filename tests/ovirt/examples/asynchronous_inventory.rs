//! Downloads an inventory of the engine (data centers, clusters, storage
//! domains, networks, hosts, VMs and disks, then the disk attachments, NICs
//! and reported devices of every VM) with many requests in flight at once.
//!
//! The connection keeps up to `CONNECTIONS` HTTP connections open, so that
//! concurrent requests go out in parallel (there is no HTTP pipelining: the
//! Python SDK's `pipeline` has no equivalent, so one connection serves both
//! the big collections and the many small requests).

use std::collections::HashMap;

use ovirt_sdk::prelude::*;

const CONNECTIONS: usize = 10;
/// How many VMs have their details requested at once.
const BLOCK: usize = CONNECTIONS * 40;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    Connection::builder("https://engine41.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("123456")
        .ca_file("ca.pem")
        .connections(CONNECTIONS)
        .build()?
        .scope(|conn| async move {
            let system = conn.system_service();
            println!("Requesting data ...");
            let (dcs, clusters, sds, nets, hosts, mut vms, disks) = tokio::try_join!(
                system.data_centers_service().list().send(),
                system.clusters_service().list().send(),
                system.storage_domains_service().list().send(),
                system.networks_service().list().send(),
                system.hosts_service().list().send(),
                system.vms_service().list().send(),
                system.disks_service().list().send(),
            )?;
            println!("Loaded {} data centers.", dcs.len());
            println!("Loaded {} clusters.", clusters.len());
            println!("Loaded {} storage domains.", sds.len());
            println!("Loaded {} networks.", nets.len());
            println!("Loaded {} hosts.", hosts.len());
            println!("Loaded {} VMs.", vms.len());
            println!("Loaded {} disks.", disks.len());
            let disks: HashMap<_, _> = disks.iter().map(|disk| (disk.id(), disk)).collect();

            // Block by block, request the details of each VM without
            // waiting, then collect the replies.
            println!("Loading VM disk attachments, NICs and reported devices ...");
            let vms_service = system.vms_service();
            for block in vms.chunks_mut(BLOCK) {
                let tasks: Vec<_> = block
                    .iter()
                    .map(|vm| {
                        let vm_service = vms_service.vm_service(vm);
                        tokio::spawn(async move {
                            tokio::try_join!(
                                vm_service.disk_attachments_service().list().send(),
                                vm_service.nics_service().list().send(),
                                vm_service.reported_devices_service().list().send(),
                            )
                        })
                    })
                    .collect();
                for (vm, task) in block.iter_mut().zip(tasks) {
                    let (mut atts, nics, devices) = task.await??;
                    // Replace each attachment's link to its disk by the disk.
                    for att in &mut atts {
                        if let Some(disk) = disks.get(&att.disk().id()) {
                            att.disk = Some(Box::new((*disk).clone()));
                        }
                    }
                    vm.disk_attachments = Some(atts.into());
                    vm.nics = Some(nics.into());
                    vm.reported_devices = Some(devices.into());
                    println!(
                        "Loaded disk attachments, NICs and reported devices of VM '{}'.",
                        vm.name().unwrap_or_default()
                    );
                }
            }
            println!("Loaded VM disk attachments, NICs and reported devices.");
            Ok(())
        })
        .await
}
