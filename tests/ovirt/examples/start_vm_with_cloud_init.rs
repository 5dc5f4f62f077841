//! Starts a virtual machine with cloud-init, which sets the network, the
//! password of `root` and runs a custom script in the guest.

use ovirt_sdk::prelude::*;

// The custom script is YAML: keep its indentation.
const SCRIPT: &str = "
write_files:
  - content: |
      Hello, world!
    path: /tmp/greeting.txt
    permissions: '0644'
";

#[tokio::main]
async fn main() -> Result<(), Error> {
    Connection::builder("https://engine41.example.com/ovirt-engine/api")
        .username("admin@internal")
        .password("redhat123")
        .ca_file("ca.pem")
        .build()?
        .scope(|conn| async move {
            let vms = conn.system_service().vms_service();
            let vm = vms.list().search("name=myvm").one().await?;
            let ip = Ip::builder()
                .version(IpVersion::V4)
                .address("192.168.0.100")
                .netmask("255.255.255.0")
                .gateway("192.168.0.1");
            let nic = NicConfiguration::builder().name("eth0").on_boot(true).boot_protocol(BootProtocol::Static).ip(ip);
            let init = Initialization::builder()
                .user_name("root")
                .root_password("redhat123")
                .host_name("myvm.example.com")
                .nic_configurations([nic])
                .dns_servers("192.168.0.1 192.168.0.2 192.168.0.3")
                .dns_search("example.com")
                .custom_script(SCRIPT);
            vms.vm_service(&vm).start().use_cloud_init(true).vm(Vm::builder().initialization(init)).send().await?;
            Ok(())
        })
        .await
}
