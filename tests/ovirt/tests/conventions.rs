//! The conventions every generated type follows, used as an application
//! would: getters, builders that take values or `Option`s, and the
//! [`Identity`] of an object, a linked object and an absent one.

use ovirt_sdk::prelude::*;
use ovirt_sdk::xml::from_xml;

const VM: &[u8] = br#"<vm href="/ovirt-engine/api/vms/1" id="1">
  <name>web-1</name>
  <memory>4294967296</memory>
  <status>up</status>
  <stateless>false</stateless>
  <cluster href="/ovirt-engine/api/clusters/7" id="7"/>
  <link rel="nics" href="/ovirt-engine/api/vms/1/nics"/>
  <custom_properties><custom_property><name>a</name><value>1</value></custom_property></custom_properties>
</vm>"#;

#[test]
fn getters_read_members_without_option_plumbing() {
    let vm: Vm = from_xml(VM).expect("reads");
    assert_eq!(vm.name(), Some("web-1"));
    assert_eq!(vm.memory(), Some(4 << 30));
    assert_eq!(vm.status(), Some(VmStatus::Up));
    assert_eq!(vm.stateless(), Some(false));
    assert_eq!(vm.description(), None);
    assert_eq!(vm.href(), Some("/ovirt-engine/api/vms/1"));
    // A list that is absent or only a link reads as an empty slice.
    assert!(vm.nics().is_empty());
    assert!(vm.disk_attachments().is_empty());
    assert_eq!(vm.custom_properties().len(), 1);
    assert_eq!(vm.custom_properties()[0].value(), Some("1"));
    // A linked object, and the id of one in a single call.
    assert_eq!(vm.cluster().map(|c| c.href()), Some(Some("/ovirt-engine/api/clusters/7")));
    assert_eq!(vm.cluster().id(), Some("7"));
    assert_eq!(vm.host().id(), None);
    assert_eq!(vm.cluster().name(), None);
}

#[test]
fn identity_is_shared_by_every_type() {
    fn ids<T: Identity>(items: &[T]) -> Vec<&str> {
        items.iter().filter_map(Identity::id).collect()
    }
    let hosts = [Host::with_id("h1"), Host::named("no-id"), Host::with_id("h2")];
    assert_eq!(ids(&hosts), ["h1", "h2"]);
    assert_eq!(Identity::name(&hosts[1]), Some("no-id"));
    let disks = [Disk::with_id("d1")];
    assert_eq!(ids(&disks), ["d1"]);
}

#[test]
fn builders_take_values_options_and_nested_builders() {
    let description: Option<&str> = None;
    let vm = Vm::builder()
        .name("web-1")
        .description(description)
        .memory(2 << 30)
        .cluster(Cluster::named("prod"))
        .template(Template::builder().name("rhel9"))
        .initialization(Initialization::builder().host_name("web-1.example.com").user_name(Some("root")))
        .custom_properties([CustomProperty::builder().name("a").value("1")])
        .build();
    let literal = Vm {
        name: Some("web-1".into()),
        memory: Some(2 << 30),
        cluster: Some(Cluster::named("prod").into()),
        template: Some(Template::named("rhel9").into()),
        initialization: Some(Box::new(Initialization {
            host_name: Some("web-1.example.com".into()),
            user_name: Some("root".into()),
            ..Default::default()
        })),
        custom_properties: Some(
            vec![CustomProperty { name: Some("a".into()), value: Some("1".into()), ..Default::default() }].into(),
        ),
        ..Default::default()
    };
    assert_eq!(vm, literal);
    // A builder converts wherever the type is expected.
    let converted: Vm = Vm::builder().name("x").into();
    assert_eq!(converted.name(), Some("x"));
}

#[test]
fn members_named_like_common_methods_keep_those_methods() {
    // `Version` has a member `build`, which its builder's setter calls
    // `build_` (`build()` finishes the builder) ...
    let version = Version::builder().major(4).build_(17).build();
    assert_eq!(version.build(), Some(17));
    // ... and `Action` a member `clone`, whose getter and setter are
    // `clone_`, so `clone()` still copies.
    let action = Action::builder().clone_(true).build();
    assert_eq!(action.clone_(), Some(true));
    assert_eq!(action.clone(), action);
}
