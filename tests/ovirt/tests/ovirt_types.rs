//! Behaviour of the generated oVirt types, used the way a user uses them.

use ovirt_sdk::List;
use ovirt_sdk::types::{ApiOption, Cluster, Host, Initialization, Nic, Template, User, Vm, VmStatus, VmType};

#[test]
fn structs_are_built_with_literals_and_helpers() {
    let vm = Vm {
        name: Some("web-1".into()),
        cluster: Some(Cluster::named("prod").into()),
        template: Some(Template::with_id("123").into()),
        r#type: Some(VmType::Server),
        memory: Some(4 << 30),
        ..Default::default()
    };
    assert_eq!(vm.cluster.as_ref().and_then(|c| c.name.as_deref()), Some("prod"));
    assert_eq!(vm.template.as_ref().and_then(|t| t.id.as_deref()), Some("123"));
    assert_eq!(vm.memory, Some(4_294_967_296));
    assert_eq!(vm.clone(), vm);
    assert_ne!(vm, Vm::default());
    let option = ApiOption { name: Some("k".into()), value: Some("v".into()), ..Default::default() };
    assert_eq!(option.value.as_deref(), Some("v"));
}

#[test]
fn enums_round_trip_known_and_unknown_values() {
    for v in VmStatus::VALUES {
        assert_eq!(&VmStatus::from_wire(v.as_str()), v);
        assert_eq!(v.to_string(), v.as_str());
    }
    assert_eq!(VmStatus::VALUES.len(), 15);
    assert_eq!(VmStatus::from_wire("image_locked"), VmStatus::ImageLocked);
    assert_eq!(VmStatus::from_wire("UP"), VmStatus::Up, "case is ignored as the server may vary it");
    let future = VmStatus::from_wire("migrating_to_mars");
    assert_eq!(future, VmStatus::Unrecognized("migrating_to_mars".into()));
    assert!(future.is_unrecognized());
    assert_eq!(future.as_str(), "migrating_to_mars", "an unknown value is written back unchanged");
    assert_eq!("down".parse::<VmStatus>(), Ok(VmStatus::Down));
    assert_eq!(VmStatus::from("unknown"), VmStatus::Unknown, "a real value named `unknown` is not the catch-all");
}

#[test]
fn debug_shows_only_set_members_and_hides_secrets() {
    let user = User {
        user_name: Some("admin@internal".into()),
        password: Some("hunter2-secret".into()),
        ..Default::default()
    };
    let text = format!("{user:?}");
    assert!(text.contains("admin@internal"), "{text}");
    assert!(text.contains("password: <redacted>"), "{text}");
    assert!(!text.contains("hunter2"), "password leaked: {text}");
    assert!(!text.contains("None"), "unset members are not shown: {text}");

    let host = Host { root_password: Some("s3cr3t".into()), ..Default::default() };
    assert!(!format!("{host:?}").contains("s3cr3t"));
    let init = Initialization { root_password: Some("pw-xyz".into()), ..Default::default() };
    assert!(!format!("{init:#?}").contains("pw-xyz"));
    assert_eq!(format!("{:?}", Vm::default()), "Vm");
}

#[test]
fn list_links_keep_their_href() {
    let vm = Vm { nics: Some(List::with_href("/ovirt-engine/api/vms/1/nics")), ..Default::default() };
    let nics = vm.nics.as_ref().unwrap();
    assert!(nics.is_empty());
    assert_eq!(nics.href(), Some("/ovirt-engine/api/vms/1/nics"));
    let filled: List<Nic> = vec![Nic::named("eth0")].into();
    assert_eq!(filled.len(), 1);
    assert_eq!(filled[0].name.as_deref(), Some("eth0"));
}

#[test]
fn types_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Vm>();
    assert_send_sync::<Host>();
    let vm = Vm::named("x");
    let name = std::thread::spawn(move || vm.name).join().unwrap();
    assert_eq!(name.as_deref(), Some("x"));
}
