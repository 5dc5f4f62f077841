//! Reads a whole `<vms>` document into values, as an application that
//! loads an inventory does, and prints how many VMs it read. By default the
//! file is read into memory first and then parsed (`list_from_xml`: the
//! input bytes and the values are both held); with `--from-file` the file
//! is parsed as it is read (`ListStream`, collected: only the values are
//! held); with `--over-http` the file is served over loopback HTTP by the
//! test kit's server in this program (which never holds it) and fetched
//! with `vms_service().list().send()`, as an application does (the body is
//! parsed as it arrives). `cargo xtask bench` runs all three under
//! `/usr/bin/time -v` to report the peak memory against the file size.
//!
//! Usage: `cargo run --release -p ovirt-sdk-tests --example read_vms -- FILE [--from-file | --over-http]`

use std::fs::File;
use std::io::BufReader;

use ovirt_sdk::prelude::*;
use ovirt_sdk::xml::{ListStream, list_from_xml};
use sdkgen_testkit::{Recorded, Reply, Server};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: read_vms FILE [--from-file | --over-http]")?;
    let flag = |name: &str| std::env::args().any(|a| a == name);
    let vms: Vec<Vm> = if flag("--from-file") {
        ListStream::<Vm>::new(BufReader::new(File::open(&path)?)).collect::<Result<_, _>>()?
    } else if flag("--over-http") {
        over_http(&path)?
    } else {
        list_from_xml::<Vm>(&std::fs::read(&path)?)?.into_vec()
    };
    let with_cpu = vms.iter().filter(|vm| vm.cpu.is_some()).count();
    println!("vms={} with_cpu={with_cpu}", vms.len());
    Ok(())
}

/// The VMs of `path`, served over plain HTTP on the loopback by the test
/// kit's server (which sends the file as it reads it) and listed with the
/// SDK.
fn over_http(path: &str) -> Result<Vec<Vm>, Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let file = std::path::PathBuf::from(path);
        let server = Server::start(move |_: &Recorded| Reply::file(200, "application/xml", &file)).await;
        let connection = Connection::builder(server.url("/ovirt-engine/api")).token("token").no_proxy().build()?;
        Ok(connection.system_service().vms_service().list().send().await?)
    })
}
