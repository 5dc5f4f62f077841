//! Reads a whole `<vms>` document into memory and then into values, as an
//! application that loads an inventory does, and prints how many VMs it
//! read. `cargo xtask bench` runs it under `/usr/bin/time -v` to report the
//! peak memory (the input bytes and the values) against the file size.
//!
//! Usage: `cargo run --release -p ovirt-sdk-tests --example read_vms -- FILE`

use ovirt_sdk::types::Vm;
use ovirt_sdk::xml::list_from_xml;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: read_vms FILE")?;
    let bytes = std::fs::read(&path)?;
    let vms = list_from_xml::<Vm>(&bytes)?;
    let with_cpu = vms.iter().filter(|vm| vm.cpu.is_some()).count();
    println!("vms={} with_cpu={with_cpu} bytes={}", vms.len(), bytes.len());
    Ok(())
}
