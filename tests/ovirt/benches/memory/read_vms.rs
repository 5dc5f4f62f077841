//! Reads a whole `<vms>` document into values, as an application that
//! loads an inventory does, and prints how many VMs it read. By default the
//! file is read into memory first and then parsed (`list_from_xml`: the
//! input bytes and the values are both held); with `--from-file` the file
//! is parsed as it is read (`ListStream`, collected: only the values are
//! held). `cargo xtask bench` runs both under `/usr/bin/time -v` to report
//! the peak memory against the file size.
//!
//! Usage: `cargo run --release -p ovirt-sdk-tests --example read_vms -- FILE [--from-file]`

use std::fs::File;
use std::io::BufReader;

use ovirt_sdk::types::Vm;
use ovirt_sdk::xml::{ListStream, list_from_xml};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: read_vms FILE [--from-file]")?;
    let vms: Vec<Vm> = if std::env::args().any(|a| a == "--from-file") {
        ListStream::<Vm>::new(BufReader::new(File::open(&path)?)).collect::<Result<_, _>>()?
    } else {
        list_from_xml::<Vm>(&std::fs::read(&path)?)?.into_vec()
    };
    let with_cpu = vms.iter().filter(|vm| vm.cpu.is_some()).count();
    println!("vms={} with_cpu={with_cpu}", vms.len());
    Ok(())
}
