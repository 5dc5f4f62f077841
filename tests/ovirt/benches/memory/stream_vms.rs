//! Streams a `<vms>` document from a file, one VM at a time, and prints how
//! many it read: the memory it needs does not grow with the document.
//!
//! Usage: `cargo run --release -p ovirt-sdk-tests --example stream_vms -- FILE`

use std::fs::File;
use std::io::BufReader;

use ovirt_sdk::types::Vm;
use ovirt_sdk::xml::ListStream;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: stream_vms FILE")?;
    let file = BufReader::new(File::open(&path)?);
    let (mut count, mut with_cpu) = (0u64, 0u64);
    for vm in ListStream::<Vm>::new(file) {
        let vm = vm?;
        count += 1;
        with_cpu += u64::from(vm.cpu.is_some());
    }
    println!("vms={count} with_cpu={with_cpu}");
    Ok(())
}
