//! The XML scenarios every conforming SDK must pass
//! (`shared/research/ovirt-protocol.md` §9, items 26–34), run against the
//! generated `ovirt-sdk` readers and writers, plus the corner cases of the
//! XML layer they lean on (CRLF, CDATA, references split across events,
//! unknown data at any depth, `href` on list elements).
//!
//! Item 34 reads hand-written documents shaped like the engine's
//! (`tests/data/*.xml`).

use std::path::Path;

use ovirt_sdk::types::{
    Api, Architecture, BiosType, Boot, BootDevice, Cluster, Cpu, DataCenter, Disk, DnsResolverConfiguration, FipsMode,
    InheritableBoolean, LogMaxMemoryUsedThresholdType, Method, MigrateOnError, MigrationBandwidthAssignmentMethod,
    Network, NetworkUsage, Nic, OpenStackImageProvider, RngSource, Sso, SsoMethod, StorageDomain, SwitchType, Vm,
    VmStatus, VmType,
};
use ovirt_sdk::xml::{
    Document, ListStream, XmlErrorKind, XmlReader, XmlType, documents_to_xml, from_xml, list_from_xml, list_to_xml,
    read_document, to_xml,
};
use ovirt_sdk::{DateTime, Decimal, List};

fn vm(xml: &str) -> Vm {
    from_xml::<Vm>(xml.as_bytes()).unwrap_or_else(|e| panic!("{xml}: {e}"))
}

fn data(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads `xml` as a list of values named `value` with `convert`, through the
/// cursor the generated readers use.
fn value_list<V>(
    xml: &str,
    convert: fn(&mut XmlReader<'_>) -> Result<Option<V>, ovirt_sdk::xml::XmlError>,
) -> Result<List<V>, ovirt_sdk::xml::XmlError> {
    let mut r = XmlReader::from_slice(xml.as_bytes());
    r.root()?;
    let mut list = None;
    r.read_value_list("value", &mut list, convert)?;
    r.finish()?;
    Ok(list.expect("a list element always gives a list"))
}

/// The four list shapes of item 26 for one type: `<list></list>`, `<list/>`,
/// one value and two values.
fn check_list_shapes<V: PartialEq + Clone + std::fmt::Debug>(
    one: &str,
    two: &str,
    expected_one: V,
    expected_two: V,
    convert: fn(&mut XmlReader<'_>) -> Result<Option<V>, ovirt_sdk::xml::XmlError>,
) {
    assert!(value_list("<list></list>", convert).unwrap().is_empty());
    assert!(value_list("<list/>", convert).unwrap().is_empty());
    let xml = format!("<list><value>{one}</value></list>");
    assert_eq!(value_list(&xml, convert).unwrap().items, vec![expected_one.clone()]);
    let xml = format!("<list>\n  <value>{one}</value>\n  <value>{two}</value>\n</list>");
    assert_eq!(value_list(&xml, convert).unwrap().items, vec![expected_one, expected_two]);
    // A bad item is an error naming the item.
    let err = value_list("<list><value>ugly</value></list>", convert);
    if let Err(e) = err {
        assert_eq!(e.kind(), XmlErrorKind::InvalidValue);
        assert_eq!(e.path(), "/list/value");
    }
}

// ---------------------------------------------------------------------------
// 26. Primitive values
// ---------------------------------------------------------------------------

#[test]
fn s26_booleans() {
    for text in ["false", "FALSE", "False", "0", " false "] {
        assert_eq!(vm(&format!("<vm><stateless>{text}</stateless></vm>")).stateless, Some(false), "{text}");
    }
    for text in ["true", "TRUE", "True", "1", "\ntrue\n"] {
        assert_eq!(vm(&format!("<vm><stateless>{text}</stateless></vm>")).stateless, Some(true), "{text}");
    }
    for text in ["ugly", "", "yes", "2", "t"] {
        let xml = format!("<vm><cpu><topology/></cpu><stateless>{text}</stateless></vm>");
        let err = from_xml::<Vm>(xml.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), XmlErrorKind::InvalidValue, "{text}: {err}");
        assert_eq!(err.path(), "/vm/stateless", "{err}");
        assert!(err.to_string().contains("/vm/stateless"), "{err}");
        assert!(err.to_string().contains("is not a boolean"), "{err}");
        assert!(err.offset().is_some());
    }
    // `<x/>` is absent, not an error.
    assert_eq!(vm("<vm><stateless/></vm>").stateless, None);
    check_list_shapes("true", "0", true, false, |r| r.read_bool());
}

#[test]
fn s26_integers() {
    for (text, value) in [
        ("0", 0),
        ("-1", -1),
        ("42", 42),
        (" 1024\n", 1024),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
        ("8589934592", 8_589_934_592),
    ] {
        assert_eq!(vm(&format!("<vm><memory>{text}</memory></vm>")).memory, Some(value), "{text}");
    }
    for text in ["ugly", "1.5", "1e3", "", "9223372036854775808", "0x10", "1 000"] {
        let err = from_xml::<Vm>(format!("<vm><memory>{text}</memory></vm>").as_bytes()).unwrap_err();
        assert_eq!(err.kind(), XmlErrorKind::InvalidValue, "{text}");
        assert_eq!(err.path(), "/vm/memory");
    }
    // Nested: the path names the whole way down.
    let err = from_xml::<Vm>(b"<vm><cpu><topology><cores>two</cores></topology></cpu></vm>").unwrap_err();
    assert_eq!(err.path(), "/vm/cpu/topology/cores");
    assert!(err.message().contains("`two` is not a 64-bit integer"), "{err}");
    // Integer attribute (`<vlan id="10"/>`).
    let net = from_xml::<Network>(b"<network><vlan id=\" 10 \"/></network>").unwrap();
    assert_eq!(net.vlan.unwrap().id, Some(10));
    let err = from_xml::<Network>(b"<network><vlan id=\"ten\"/></network>").unwrap_err();
    assert_eq!(err.kind(), XmlErrorKind::InvalidValue);
    assert_eq!(err.path(), "/network/vlan");
    assert!(err.message().contains("attribute `id`"), "{err}");
    check_list_shapes("1", "-9223372036854775808", 1, i64::MIN, |r| r.read_i64());
}

#[test]
fn s26_decimals() {
    let speed = |text: &str| from_xml::<Cpu>(format!("<cpu><speed>{text}</speed></cpu>").as_bytes()).map(|c| c.speed);
    for (text, value) in [
        ("1.50", "1.50"),
        ("-0.001", "-0.001"),
        ("0", "0"),
        ("1e3", "1e3"),
        ("2.5E-3", "2.5E-3"),
        (" 3.0 ", "3.0"),
        ("INF", "INF"),
        ("-Infinity", "-INF"),
        ("NaN", "NaN"),
    ] {
        assert_eq!(speed(text).unwrap().unwrap().as_str(), value, "{text}");
    }
    assert_eq!(speed("1.50").unwrap().unwrap().to_f64(), 1.5);
    for text in ["ugly", "1,5", "", "1.2.3", "--1", "0x1p3"] {
        let err = speed(text).unwrap_err();
        assert_eq!(err.kind(), XmlErrorKind::InvalidValue, "{text}");
        assert_eq!(err.path(), "/cpu/speed");
    }
    check_list_shapes("1.50", "-0.001", Decimal::parse("1.50").unwrap(), Decimal::parse("-0.001").unwrap(), |r| {
        r.read_decimal()
    });
    // Written back byte for byte.
    let cpu = Cpu { speed: Some(Decimal::parse("1.50").unwrap()), ..Default::default() };
    assert_eq!(to_xml(&cpu).unwrap(), "<cpu><speed>1.50</speed></cpu>");
}

#[test]
fn s26_dates() {
    let created = |text: &str| {
        from_xml::<Vm>(format!("<vm><creation_time>{text}</creation_time></vm>").as_bytes()).map(|v| v.creation_time)
    };
    for text in [
        "2016-09-08T09:53:35.138+02:00",
        "2015-12-10T22:00:30Z",
        "2015-12-10T22:00:30.123456-05:30",
        "2015-12-10T22:00:30",
        "2020-02-29T00:00:00.000+00:00",
    ] {
        assert_eq!(created(text).unwrap().unwrap().to_string(), text);
    }
    for text in ["ugly", "", "2015-12-10", "2015-13-10T22:00:30Z", "2015-02-30T22:00:30Z", "2015-12-10 22:00:30Z"] {
        let err = created(text).unwrap_err();
        assert_eq!(err.kind(), XmlErrorKind::InvalidValue, "{text}");
        assert_eq!(err.path(), "/vm/creation_time");
    }
    let a = DateTime::parse("2015-12-10T22:00:30+01:00").unwrap();
    let b = DateTime::parse("2016-01-01T00:00:00.5Z").unwrap();
    check_list_shapes("2015-12-10T22:00:30+01:00", "2016-01-01T00:00:00.5Z", a, b, |r| r.read_date());
}

#[test]
fn s26_strings_and_enums_lists() {
    // Strings and enums have no invalid values; the model's lists of them.
    let dns = |xml: &str| from_xml::<DnsResolverConfiguration>(xml.as_bytes()).unwrap().name_servers;
    let list = "<dns_resolver_configuration><name_servers>";
    assert_eq!(dns("<dns_resolver_configuration/>"), None);
    assert_eq!(dns(&format!("{list}</name_servers></dns_resolver_configuration>")).unwrap().len(), 0);
    assert_eq!(dns("<dns_resolver_configuration><name_servers/></dns_resolver_configuration>").unwrap().len(), 0);
    let one = dns(&format!("{list}<name_server>1.1.1.1</name_server></name_servers></dns_resolver_configuration>"));
    assert_eq!(one.unwrap().items, ["1.1.1.1"]);
    let two = dns(&format!(
        "{list}<name_server>1.1.1.1</name_server><name_server>::1</name_server></name_servers></dns_resolver_configuration>"
    ));
    assert_eq!(two.unwrap().items, ["1.1.1.1", "::1"]);
    check_list_shapes("a", "b", "a".to_owned(), "b".to_owned(), |r| r.read_string());
    check_list_shapes("vm", "ugly", NetworkUsage::Vm, NetworkUsage::Unrecognized("ugly".into()), |r| {
        r.read_enum(NetworkUsage::from_wire)
    });
}

// ---------------------------------------------------------------------------
// 27. Dates keep their offset
// ---------------------------------------------------------------------------

#[test]
fn s27_date_keeps_offset_and_renders_identically() {
    let text = "2015-12-10T22:00:30+01:00";
    let v = vm(&format!("<vm><creation_time>{text}</creation_time></vm>"));
    let date = v.creation_time.unwrap();
    assert_eq!(date.offset().minutes(), Some(60));
    assert_eq!((date.year(), date.month(), date.day()), (2015, 12, 10));
    assert_eq!((date.hour(), date.minute(), date.second()), (22, 0, 30));
    assert_eq!(date.to_unix_millis(), Some(1_449_781_230_000));
    assert_eq!(date.to_string(), text);
    assert_eq!(to_xml(&v).unwrap(), format!("<vm><creation_time>{text}</creation_time></vm>"));
}

// ---------------------------------------------------------------------------
// 28. Generic reading
// ---------------------------------------------------------------------------

#[test]
fn s28_generic_read() {
    match read_document(b"<vm/>").unwrap() {
        Some(Document::Vm(v)) => assert_eq!(*v, Vm::default()),
        other => panic!("{other:?}"),
    }
    match read_document(b"<vms><vm/><vm/></vms>").unwrap() {
        Some(Document::VmList(list)) => {
            assert_eq!(list.len(), 2);
            assert_eq!(list.href, None);
        }
        other => panic!("{other:?}"),
    }
    // The tag exception: `OpenStackImageProvider` travels as `openstack_image_provider`.
    assert_eq!(OpenStackImageProvider::TAG, "openstack_image_provider");
    assert_eq!(OpenStackImageProvider::PLURAL, "openstack_image_providers");
    match read_document(b"<openstack_image_provider id=\"1\"><name>glance</name></openstack_image_provider>").unwrap() {
        Some(Document::OpenStackImageProvider(p)) => {
            assert_eq!((p.id.as_deref(), p.name.as_deref()), (Some("1"), Some("glance")))
        }
        other => panic!("{other:?}"),
    }
    match read_document(b"<openstack_image_providers><openstack_image_provider/></openstack_image_providers>").unwrap()
    {
        Some(Document::OpenStackImageProviderList(list)) => assert_eq!(list.len(), 1),
        other => panic!("{other:?}"),
    }
    // Empty documents.
    assert_eq!(read_document(b"").unwrap(), None);
    assert_eq!(read_document(b"  \r\n\t").unwrap(), None);
    // Not an API document.
    let err = read_document(b"<html><body>Bad gateway</body></html>").unwrap_err();
    assert_eq!(err.kind(), XmlErrorKind::UnexpectedRoot);
    assert!(err.message().contains("<html>"), "{err}");
    assert_eq!(err.path(), "/html");
    // With a declaration and a comment before the root, and comments after.
    let doc =
        read_document(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- hi -->\n<disk id=\"d\"/>\n<!-- bye -->\n");
    assert!(matches!(doc, Ok(Some(Document::Disk(d))) if d.id.as_deref() == Some("d")));
}

#[test]
fn s28_two_consecutive_objects() {
    // Two documents back to back are not one document.
    let err = read_document(b"<vm/><vm/>").unwrap_err();
    assert_eq!(err.kind(), XmlErrorKind::Syntax);
    assert!(err.message().contains("after the root"), "{err}");

    // Two objects in one stream are read one after the other with the cursor.
    let xml = documents_to_xml(
        &[
            Document::Vm(Box::new(Vm { id: Some("1".into()), ..Default::default() })),
            Document::Disk(Box::new(Disk { id: Some("2".into()), ..Default::default() })),
        ],
        "list",
    )
    .unwrap();
    let mut r = XmlReader::from_slice(xml.as_bytes());
    r.root().unwrap();
    let mut seen = Vec::new();
    while let Some(tag) = r.next_child().unwrap() {
        match tag.as_bytes() {
            b"vm" => {
                let mut v = Vm::default();
                v.read_into(&mut r).unwrap();
                seen.push(format!("vm {}", v.id.unwrap()));
            }
            b"disk" => {
                let mut d = Disk::default();
                d.read_into(&mut r).unwrap();
                seen.push(format!("disk {}", d.id.unwrap()));
            }
            _ => r.skip().unwrap(),
        }
    }
    r.finish().unwrap();
    assert_eq!(seen, ["vm 1", "disk 2"]);

    // And as a stream of the same type.
    let xml = b"<vms><vm id=\"a\"/><vm id=\"b\"><name>b</name></vm></vms>";
    let ids: Vec<_> = ListStream::<Vm>::new(&xml[..]).map(|v| v.unwrap().id.unwrap()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn s12_s13_simple_documents() {
    for (xml, n) in
        [("<vms/>", 0), ("<clusters/>", 0), ("<data_centers/>", 0), ("<storage_domains/>", 0), ("<vms></vms>", 0)]
    {
        let doc = read_document(xml.as_bytes()).unwrap().unwrap();
        let written = doc.to_xml().unwrap();
        assert!(written.ends_with("/>"), "{written}");
        assert!(format!("{doc:?}").contains("[]"), "{xml}: {doc:?} has {n} items");
    }
    assert!(list_from_xml::<Vm>(b"<vms/>").unwrap().is_empty());
    assert!(list_from_xml::<Cluster>(b"<clusters/>").unwrap().is_empty());
    assert!(list_from_xml::<DataCenter>(b"<data_centers/>").unwrap().is_empty());
    assert!(list_from_xml::<StorageDomain>(b"<storage_domains/>").unwrap().is_empty());
    let v = vm("<vm id=\"123\"><name>testvm</name></vm>");
    assert_eq!((v.id.as_deref(), v.name.as_deref()), (Some("123"), Some("testvm")));
    let c = from_xml::<Cluster>(b"<cluster id=\"123\"><name>testcluster</name></cluster>").unwrap();
    assert_eq!((c.id.as_deref(), c.name.as_deref()), (Some("123"), Some("testcluster")));
    let d = from_xml::<DataCenter>(b"<data_center id=\"123\"><name>testdc</name></data_center>").unwrap();
    assert_eq!((d.id.as_deref(), d.name.as_deref()), (Some("123"), Some("testdc")));
    let s = from_xml::<StorageDomain>(b"<storage_domain id=\"123\"><name>testsd</name></storage_domain>").unwrap();
    assert_eq!((s.id.as_deref(), s.name.as_deref()), (Some("123"), Some("testsd")));
    // The wrong root for the type asked for.
    let err = from_xml::<Vm>(b"<action/>").unwrap_err();
    assert_eq!(err.kind(), XmlErrorKind::UnexpectedRoot);
    assert!(err.message().contains("<vm>") && err.message().contains("<action>"), "{err}");
}

// ---------------------------------------------------------------------------
// 29. Links
// ---------------------------------------------------------------------------

#[test]
fn s29_link_gives_an_empty_list_with_href() {
    let v = vm(r#"<vm><link rel="nics" href="/vms/123/nics"/></vm>"#);
    let nics = v.nics.unwrap();
    assert!(nics.is_empty());
    assert!(nics.is_link());
    assert_eq!(nics.href(), Some("/vms/123/nics"));
}

#[test]
fn s29_several_links_and_elements_after_links() {
    let v = vm(r#"<vm id="123">
        <link rel="nics" href="/vms/123/nics"/>
        <link rel="diskattachments" href="/vms/123/diskattachments"/>
        <link rel="permissions" href="/vms/123/permissions"/>
        <name>after-links</name>
        <link rel="statistics" href="/vms/123/statistics"/>
        <memory>1024</memory>
    </vm>"#);
    assert_eq!(v.nics.unwrap().href(), Some("/vms/123/nics"));
    assert_eq!(v.disk_attachments.unwrap().href(), Some("/vms/123/diskattachments"));
    assert_eq!(v.permissions.unwrap().href(), Some("/vms/123/permissions"));
    assert_eq!(v.statistics.unwrap().href(), Some("/vms/123/statistics"));
    assert_eq!(v.name.as_deref(), Some("after-links"));
    assert_eq!(v.memory, Some(1024));
    assert_eq!(v.snapshots, None);
}

#[test]
fn s29_links_without_rel_or_href_or_with_unknown_rel_are_ignored() {
    let v = vm(r#"<vm>
        <link href="/vms/123/nics"/>
        <link rel="nics"/>
        <link rel="ugly" href="/vms/123/ugly"/>
        <link/>
        <link rel="" href=""/>
        <link rel="nics" href="/vms/123/nics"><unexpected>child</unexpected></link>
        <name>still read</name>
    </vm>"#);
    assert_eq!(v.nics.unwrap().href(), Some("/vms/123/nics"));
    assert_eq!(v.name.as_deref(), Some("still read"));
    let only_ignored = vm(r#"<vm><link href="/x"/><link rel="nics"/><link rel="ugly" href="/y"/></vm>"#);
    assert_eq!(only_ignored, Vm::default());
}

#[test]
fn s29_link_and_element_are_merged_in_either_order() {
    let link_first = vm(r#"<vm>
        <link rel="nics" href="/vms/123/nics"/>
        <nics><nic id="n1"><name>eth0</name></nic><nic id="n2"/></nics>
    </vm>"#);
    let element_first = vm(r#"<vm>
        <nics><nic id="n1"><name>eth0</name></nic><nic id="n2"/></nics>
        <link rel="nics" href="/vms/123/nics"/>
    </vm>"#);
    for v in [&link_first, &element_first] {
        let nics = v.nics.as_ref().unwrap();
        assert_eq!(nics.len(), 2);
        assert_eq!(nics[0].name.as_deref(), Some("eth0"));
        assert_eq!(nics[1].id.as_deref(), Some("n2"));
        assert_eq!(nics.href(), Some("/vms/123/nics"));
        assert!(!nics.is_link());
    }
    assert_eq!(link_first, element_first);
    // Written back with the href on the list element, and read back the same.
    let xml = to_xml(&link_first).unwrap();
    assert_eq!(xml, r#"<vm><nics href="/vms/123/nics"><nic id="n1"><name>eth0</name></nic><nic id="n2"/></nics></vm>"#);
    assert_eq!(vm(&xml), link_first);
}

#[test]
fn s29_a_list_that_is_only_a_link_is_written_as_its_href() {
    // As the official SDK writes it, and read back as the same list.
    let v = Vm { nics: Some(List::with_href("/vms/1/nics")), ..Default::default() };
    let xml = to_xml(&v).unwrap();
    assert_eq!(xml, r#"<vm><nics href="/vms/1/nics"/></vm>"#);
    assert_eq!(vm(&xml), v);
    // A followed but empty list reads the same way.
    assert_eq!(vm(r#"<vm><nics href="/vms/1/nics"></nics></vm>"#), v);
}

// ---------------------------------------------------------------------------
// 30. Unknown enum values
// ---------------------------------------------------------------------------

#[test]
fn s30_unknown_enum_values_are_kept() {
    let c = from_xml::<Cluster>(b"<cluster><switch_type>ugly</switch_type></cluster>").unwrap();
    assert_eq!(c.switch_type, Some(SwitchType::Unrecognized("ugly".into())));
    assert!(c.switch_type.as_ref().unwrap().is_unrecognized());
    assert_eq!(to_xml(&c).unwrap(), "<cluster><switch_type>ugly</switch_type></cluster>");

    let v = vm("<vm><migration><auto_converge>ugly</auto_converge></migration></vm>");
    assert_eq!(v.migration.unwrap().auto_converge, Some(InheritableBoolean::Unrecognized("ugly".into())));

    let n = from_xml::<Network>(
        b"<network><usages><usage>vm</usage><usage>ugly</usage><usage>display</usage></usages></network>",
    )
    .unwrap();
    assert_eq!(
        n.usages.unwrap().items,
        [NetworkUsage::Vm, NetworkUsage::Unrecognized("ugly".into()), NetworkUsage::Display]
    );
    // Known values match regardless of case; unknown ones keep theirs.
    let c = from_xml::<Cluster>(b"<cluster><switch_type> OVS </switch_type></cluster>").unwrap();
    assert_eq!(c.switch_type, Some(SwitchType::Ovs));
    let c = from_xml::<Cluster>(b"<cluster><switch_type>Ugly</switch_type></cluster>").unwrap();
    assert_eq!(c.switch_type, Some(SwitchType::Unrecognized("Ugly".into())));
    // An unknown enum attribute is kept too.
    let sso = from_xml::<Sso>(b"<sso><methods><method id=\"ugly\"/><method id=\"GUEST_AGENT\"/></methods></sso>");
    let methods = sso.unwrap().methods.unwrap();
    assert_eq!(methods[0].id, Some(SsoMethod::Unrecognized("ugly".into())));
    assert_eq!(methods[1].id, Some(SsoMethod::GuestAgent));
}

#[test]
fn s30_enum_after_an_empty_list() {
    let c =
        from_xml::<Cluster>(b"<cluster><required_rng_sources/><switch_type>legacy</switch_type></cluster>").unwrap();
    assert_eq!(c.required_rng_sources.unwrap().len(), 0);
    assert_eq!(c.switch_type, Some(SwitchType::Legacy));
    let c = from_xml::<Cluster>(
        b"<cluster><required_rng_sources></required_rng_sources><switch_type>legacy</switch_type></cluster>",
    )
    .unwrap();
    assert_eq!(c.required_rng_sources.unwrap().len(), 0);
    assert_eq!(c.switch_type, Some(SwitchType::Legacy));
}

// ---------------------------------------------------------------------------
// 31. Absent versus empty lists
// ---------------------------------------------------------------------------

#[test]
fn s31_absent_list_versus_empty_list() {
    let absent = from_xml::<Network>(b"<network/>").unwrap();
    assert_eq!(absent.usages, None);
    let empty = from_xml::<Network>(b"<network><usages/></network>").unwrap();
    assert_eq!(empty.usages, Some(List::new()));
    assert_eq!(to_xml(&absent).unwrap(), "<network/>");
    assert_eq!(to_xml(&empty).unwrap(), "<network><usages/></network>");
    let empty_struct_list = vm("<vm><nics/></vm>");
    assert_eq!(empty_struct_list.nics, Some(List::new()));
    assert_eq!(to_xml(&empty_struct_list).unwrap(), "<vm><nics/></vm>");
}

// ---------------------------------------------------------------------------
// 32. Absent versus empty strings, UTF-8
// ---------------------------------------------------------------------------

#[test]
fn s32_absent_versus_empty_string_and_utf8() {
    assert_eq!(vm("<vm><name/></vm>").name, None);
    assert_eq!(vm("<vm><name></name></vm>").name.as_deref(), Some(""));
    assert_eq!(vm("<vm><name><![CDATA[]]></name></vm>").name.as_deref(), Some(""));
    assert_eq!(to_xml(&vm("<vm><name></name></vm>")).unwrap(), "<vm><name></name></vm>");
    assert_eq!(to_xml(&vm("<vm><name/></vm>")).unwrap(), "<vm/>");
    let text = "áéíóú ÁÉÍÓÚ ñ ç 日本語 🎉";
    let v = vm(&format!("<vm><name>{text}</name></vm>"));
    assert_eq!(v.name.as_deref(), Some(text));
    let xml = to_xml(&v).unwrap();
    assert_eq!(xml, format!("<vm><name>{text}</name></vm>"));
    assert_eq!(vm(&xml), v);
    // White space is kept in strings (only trimmed for typed values).
    assert_eq!(vm("<vm><name>  a b  </name></vm>").name.as_deref(), Some("  a b  "));
    assert_eq!(vm("<vm><name> </name></vm>").name.as_deref(), Some(" "));
}

// ---------------------------------------------------------------------------
// 33. Writing
// ---------------------------------------------------------------------------

#[test]
fn s33_writer() {
    assert_eq!(to_xml(&Vm::default()).unwrap(), "<vm/>");
    let docs = [Document::Vm(Box::default()), Document::Disk(Box::default())];
    assert_eq!(documents_to_xml(&docs, "list").unwrap(), "<list><vm/><disk/></list>");
    assert_eq!(list_to_xml::<Vm>(&[Vm::default(), Vm::default()], "list").unwrap(), "<list><vm/><vm/></list>");
    assert_eq!(list_to_xml::<Vm>(&[], "vms").unwrap(), "<vms/>");

    let sso = Sso {
        methods: Some(vec![Method { id: Some(SsoMethod::GuestAgent), ..Default::default() }].into()),
        ..Default::default()
    };
    assert_eq!(to_xml(&sso).unwrap(), r#"<sso><methods><method id="guest_agent"/></methods></sso>"#);

    let cpu = Cpu {
        r#type: Some("Intel Conroe Family".into()),
        architecture: Some(Architecture::X86_64),
        ..Default::default()
    };
    let xml = to_xml(&cpu).unwrap();
    // Our writer follows model order (`type` is declared first); the server
    // does not care about order. Compare structurally.
    assert_eq!(xml, "<cpu><type>Intel Conroe Family</type><architecture>x86_64</architecture></cpu>");
    assert_eq!(
        from_xml::<Cpu>(b"<cpu><architecture>x86_64</architecture><type>Intel Conroe Family</type></cpu>").unwrap(),
        cpu
    );

    let boot = Boot { devices: Some(vec![BootDevice::Network, BootDevice::Hd].into()), ..Default::default() };
    assert_eq!(to_xml(&boot).unwrap(), "<boot><devices><device>network</device><device>hd</device></devices></boot>");

    // Escaping in text and attributes.
    let v = Vm {
        id: Some("a\"b<c>&d\te\nf\rg".into()),
        name: Some("x < y && z > w ]]> \r\n".into()),
        ..Default::default()
    };
    let xml = to_xml(&v).unwrap();
    assert_eq!(
        xml,
        "<vm id=\"a&quot;b&lt;c&gt;&amp;d&#9;e&#10;f&#13;g\"><name>x &lt; y &amp;&amp; z &gt; w ]]&gt; &#13;\n</name></vm>"
    );
    assert_eq!(from_xml::<Vm>(xml.as_bytes()).unwrap(), v);
    // The href of a list is written on its element.
    let mut nics: List<Nic> = vec![Nic::default()].into();
    nics.href = Some("/vms/1/nics".into());
    let v = Vm { nics: Some(nics), ..Default::default() };
    assert_eq!(to_xml(&v).unwrap(), "<vm><nics href=\"/vms/1/nics\"><nic/></nics></vm>");
}

// ---------------------------------------------------------------------------
// 34. Real-engine-shaped documents
// ---------------------------------------------------------------------------

#[test]
fn s34_cluster_document() {
    let bytes = data("cluster.xml");
    let c = from_xml::<Cluster>(&bytes).unwrap();
    let id = "3f1c2a7e-8d4b-4c11-9a55-0b6e2f9d1c01";
    assert_eq!(c.id.as_deref(), Some(id));
    assert_eq!(c.href.as_deref(), Some(format!("/ovirt-engine/api/clusters/{id}").as_str()));
    assert_eq!(c.name.as_deref(), Some("Production-East"));
    assert_eq!(c.description.as_deref(), Some("Main production cluster & its \"legacy\" hosts \u{2014} rack 4"));
    assert_eq!(c.comment.as_deref(), Some(""));
    let cpu = c.cpu.as_ref().unwrap();
    assert_eq!(cpu.architecture, Some(Architecture::X86_64));
    assert_eq!(cpu.r#type.as_deref(), Some("Secure Intel Cascadelake Server Family"));
    assert_eq!(c.ballooning_enabled, Some(true));
    assert_eq!(c.bios_type, Some(BiosType::Q35Ovmf));
    let props = c.custom_scheduling_policy_properties.as_ref().unwrap();
    assert_eq!(props.len(), 2);
    assert_eq!(props[1].name.as_deref(), Some("CpuOverCommitDurationMinutes"));
    assert_eq!(props[1].value.as_deref(), Some("2"));
    assert_eq!(c.error_handling.as_ref().unwrap().on_error, Some(MigrateOnError::MigrateHighlyAvailable));
    let fencing = c.fencing_policy.as_ref().unwrap();
    assert_eq!(fencing.enabled, Some(true));
    assert_eq!(fencing.skip_if_connectivity_broken.as_ref().unwrap().threshold, Some(50));
    assert_eq!(fencing.skip_if_sd_active.as_ref().unwrap().enabled, Some(true));
    assert_eq!(c.fips_mode, Some(FipsMode::Disabled));
    assert_eq!(c.gluster_tuned_profile.as_deref(), Some("virtual-host"));
    assert_eq!(c.ksm.as_ref().unwrap().merge_across_nodes, Some(true));
    assert_eq!(c.log_max_memory_used_threshold, Some(95));
    assert_eq!(c.log_max_memory_used_threshold_type, Some(LogMaxMemoryUsedThresholdType::Percentage));
    let memory = c.memory_policy.as_ref().unwrap();
    assert_eq!(memory.over_commit.as_ref().unwrap().percent, Some(150));
    assert_eq!(memory.transparent_huge_pages.as_ref().unwrap().enabled, Some(true));
    let migration = c.migration.as_ref().unwrap();
    assert_eq!(migration.auto_converge, Some(InheritableBoolean::Inherit));
    assert_eq!(migration.compressed, Some(InheritableBoolean::False));
    assert_eq!(migration.encrypted, Some(InheritableBoolean::True));
    let bandwidth = migration.bandwidth.as_ref().unwrap();
    assert_eq!(bandwidth.assignment_method, Some(MigrationBandwidthAssignmentMethod::Custom));
    assert_eq!(bandwidth.custom_value, Some(2500));
    assert_eq!(migration.policy.as_ref().unwrap().id.as_deref(), Some("80554327-0569-496b-bdeb-fcbbf52b827b"));
    assert_eq!(c.required_rng_sources.as_ref().unwrap().items, [RngSource::Urandom, RngSource::Hwrng]);
    assert_eq!(c.switch_type, Some(SwitchType::Legacy));
    let version = c.version.as_ref().unwrap();
    assert_eq!((version.major, version.minor), (Some(4), Some(7)));
    assert_eq!(c.upgrade_percent_complete, Some(0));
    assert_eq!(c.virt_service, Some(true));
    assert_eq!(c.vnc_encryption, Some(false));
    assert_eq!(c.data_center.as_ref().unwrap().id.as_deref(), Some("9b2e3d10-55aa-4f0c-8e21-7c3d4e5f6a70"));
    assert!(c.data_center.as_ref().unwrap().href.as_deref().unwrap().starts_with("/ovirt-engine/api/datacenters/"));
    assert_eq!(c.mac_pool.as_ref().unwrap().id.as_deref(), Some("58ca604b-017d-0374-0220-00000000014b"));
    assert_eq!(c.scheduling_policy.as_ref().unwrap().id.as_deref(), Some("5a2b0939-7d46-4b73-a469-e9c2c7fc6a53"));
    assert!(c.management_network.is_some());
    // Every link of the document became a list link (except `affinitylabels`,
    // which clusters do not have in the model).
    fn link<T>(l: Option<&List<T>>, rel: &str) {
        let id = "3f1c2a7e-8d4b-4c11-9a55-0b6e2f9d1c01";
        let l = l.unwrap_or_else(|| panic!("no {rel}"));
        assert!(l.is_link());
        assert_eq!(l.href(), Some(format!("/ovirt-engine/api/clusters/{id}/{rel}").as_str()));
    }
    link(c.network_filters.as_ref(), "networkfilters");
    link(c.networks.as_ref(), "networks");
    link(c.permissions.as_ref(), "permissions");
    link(c.gluster_volumes.as_ref(), "glustervolumes");
    link(c.gluster_hooks.as_ref(), "glusterhooks");
    link(c.affinity_groups.as_ref(), "affinitygroups");
    link(c.cpu_profiles.as_ref(), "cpuprofiles");
    link(c.enabled_features.as_ref(), "enabledfeatures");
    link(c.external_network_providers.as_ref(), "externalnetworkproviders");

    // Generic reading gives the same value; writing and reading back too.
    assert_eq!(read_document(&bytes).unwrap(), Some(Document::Cluster(Box::new(c.clone()))));
    // Lists that were only links are written back (`<networks href="…"/>`).
    let again = from_xml::<Cluster>(to_xml(&c).unwrap().as_bytes()).unwrap();
    assert_eq!(again, c);
}

#[test]
fn s34_vms_document() {
    let bytes = data("vms.xml");
    let vms = list_from_xml::<Vm>(&bytes).unwrap();
    assert_eq!(vms.len(), 2);
    let web = &vms[0];
    assert_eq!(web.id.as_deref(), Some("123e4567-e89b-42d3-a456-426614174000"));
    assert_eq!(web.name.as_deref(), Some("web-01"));
    assert_eq!(web.status, Some(VmStatus::Up));
    assert_eq!(web.r#type, Some(VmType::Server));
    assert_eq!(web.memory, Some(8_589_934_592));
    assert_eq!(web.memory_policy.as_ref().unwrap().max, Some(34_359_738_368));
    assert_eq!(web.migration_downtime, Some(-1));
    let topology = web.cpu.as_ref().unwrap().topology.as_ref().unwrap();
    assert_eq!((topology.sockets, topology.cores, topology.threads), (Some(4), Some(2), Some(1)));
    assert_eq!(web.creation_time.unwrap().to_string(), "2023-11-02T10:41:07.918+01:00");
    assert_eq!(web.start_time.unwrap().millisecond(), 107);
    let boot = web.os.as_ref().unwrap().boot.as_ref().unwrap();
    assert_eq!(boot.devices.as_ref().unwrap().items, [BootDevice::Hd, BootDevice::Network]);
    assert_eq!(web.os.as_ref().unwrap().r#type.as_deref(), Some("rhel_9x64"));
    assert_eq!(web.high_availability.as_ref().unwrap().priority, Some(50));
    assert_eq!(web.display.as_ref().unwrap().secure_port, Some(5901));
    let methods = web.sso.as_ref().unwrap().methods.as_ref().unwrap();
    assert_eq!(methods[0].id, Some(SsoMethod::GuestAgent));
    let guest = web.guest_operating_system.as_ref().unwrap();
    assert_eq!(guest.codename.as_deref(), Some(""));
    let kernel = guest.kernel.as_ref().unwrap().version.as_ref().unwrap();
    assert_eq!(kernel.full_version.as_deref(), Some("5.14.0-362.8.1.el9_3.x86_64"));
    assert_eq!(web.guest_time_zone.as_ref().unwrap().utc_offset.as_deref(), Some("+01:00"));
    assert_eq!(web.host.as_ref().unwrap().id.as_deref(), Some("c4a1e7b2-3d5f-4a6b-9c8d-1e2f3a4b5c6d"));
    assert_eq!(web.quota.as_ref().unwrap().href, None);
    assert_eq!(web.fqdn.as_deref(), Some("web-01.example.com"));
    assert!(web.nics.as_ref().unwrap().is_link());
    assert_eq!(
        web.disk_attachments.as_ref().unwrap().href(),
        Some("/ovirt-engine/api/vms/123e4567-e89b-42d3-a456-426614174000/diskattachments")
    );
    assert!(web.katello_errata.as_ref().unwrap().is_link());

    let db = &vms[1];
    assert_eq!(db.name.as_deref(), Some("db-02"));
    assert_eq!(db.description.as_deref(), Some("PostgreSQL primary (Ünïcode ✓)"));
    assert_eq!(db.status, Some(VmStatus::Down));
    assert_eq!(db.r#type, Some(VmType::HighPerformance));
    assert_eq!(db.memory, Some(68_719_476_736));
    assert_eq!(db.stop_reason.as_deref(), Some("maintenance window <2024-03>"));
    assert_eq!(db.stop_time.unwrap().to_string(), "2024-03-10T23:59:59.999+01:00");
    assert_eq!(db.delete_protected, Some(true));
    assert_eq!(db.creation_time.unwrap().fraction_digits(), 3);

    // The stream gives the same items.
    let streamed: Vec<Vm> = ListStream::<Vm>::new(&bytes[..]).map(Result::unwrap).collect();
    assert_eq!(streamed, vms.items);
}

#[test]
fn s34_api_document() {
    let bytes = data("api.xml");
    let api = match read_document(&bytes).unwrap() {
        Some(Document::Api(api)) => api,
        other => panic!("{other:?}"),
    };
    let info = api.product_info.as_ref().unwrap();
    assert_eq!(info.name.as_deref(), Some("oVirt Engine"));
    assert_eq!(info.vendor.as_deref(), Some("ovirt.org"));
    assert_eq!(info.instance_id.as_deref(), Some("5d8c46a2-e35c-11ee-9f4b-00163e5b0a11"));
    let version = info.version.as_ref().unwrap();
    assert_eq!((version.major, version.minor, version.build, version.revision), (Some(4), Some(5), Some(6), Some(0)));
    assert_eq!(version.full_version.as_deref(), Some("4.5.6-1.el9"));
    let special = api.special_objects.as_ref().unwrap();
    assert_eq!(special.blank_template.as_ref().unwrap().id.as_deref(), Some("00000000-0000-0000-0000-000000000000"));
    assert!(special.root_tag.as_ref().unwrap().href.as_deref().unwrap().starts_with("/ovirt-engine/api/tags/"));
    let summary = api.summary.as_ref().unwrap();
    assert_eq!(summary.vms.as_ref().map(|s| (s.active, s.total)), Some((Some(7), Some(42))));
    assert_eq!(summary.hosts.as_ref().map(|s| (s.active, s.total)), Some((Some(2), Some(3))));
    assert_eq!(summary.users.as_ref().unwrap().total, Some(12));
    assert_eq!(summary.storage_domains.as_ref().unwrap().active, Some(4));
    let time = api.time.unwrap();
    assert_eq!(time.to_string(), "2024-03-14T15:09:26.535+01:00");
    assert_eq!(time.offset().minutes(), Some(60));
    assert_eq!(
        api.engine_backup.as_ref().unwrap().last_db_backup.unwrap().to_string(),
        "2024-03-13T02:00:11.402+01:00"
    );
    assert_eq!(api.engine_backup.as_ref().unwrap().last_keycloak_backup, None);
    assert_eq!(api.authenticated_user.as_ref().unwrap().id, api.effective_user.as_ref().unwrap().id);
    // Round trip.
    let xml = to_xml(&*api).unwrap();
    assert_eq!(from_xml::<Api>(xml.as_bytes()).unwrap(), *api);
}

// ---------------------------------------------------------------------------
// Collections, unknown data, text handling
// ---------------------------------------------------------------------------

#[test]
fn actions_inside_a_collection_are_skipped() {
    let xml = br#"<vms href="/ovirt-engine/api/vms">
        <actions><link href="/ovirt-engine/api/vms/add" rel="add"/></actions>
        <vm id="1"><actions><link href="/vms/1/start" rel="start"/></actions><name>a</name></vm>
        <actions><vm id="not-an-item"/></actions>
        <vm id="2"/>
    </vms>"#;
    let list = list_from_xml::<Vm>(xml).unwrap();
    assert_eq!(list.iter().map(|v| v.id.as_deref().unwrap()).collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(list[0].name.as_deref(), Some("a"));
    assert_eq!(list.href(), Some("/ovirt-engine/api/vms"));
    // A collection inside a struct too.
    let c = from_xml::<Cluster>(
        br#"<cluster><networks href="/n"><actions><link rel="add" href="/n/add"/></actions><network id="n1"/></networks></cluster>"#,
    )
    .unwrap();
    let networks = c.networks.unwrap();
    assert_eq!(networks.len(), 1);
    assert_eq!(networks.href(), Some("/n"));
    assert_eq!(networks[0].id.as_deref(), Some("n1"));
}

#[test]
fn href_on_a_list_element_is_kept() {
    match read_document(br#"<disks href="/ovirt-engine/api/disks"><disk id="1"/></disks>"#).unwrap() {
        Some(Document::DiskList(list)) => {
            assert_eq!(list.href(), Some("/ovirt-engine/api/disks"));
            let xml = Document::DiskList(list.clone()).to_xml().unwrap();
            assert_eq!(xml, r#"<disks href="/ovirt-engine/api/disks"><disk id="1"/></disks>"#);
        }
        other => panic!("{other:?}"),
    }
    let n = from_xml::<Network>(br#"<network><usages href="/u"><usage>vm</usage></usages></network>"#).unwrap();
    assert_eq!(n.usages.as_ref().unwrap().href(), Some("/u"));
    let mut stream = ListStream::<Disk>::new(&br#"<disks href="/d"><disk/></disks>"#[..]);
    assert_eq!(stream.href(), None);
    assert!(stream.next().unwrap().is_ok());
    assert_eq!(stream.href(), Some("/d"));
}

#[test]
fn unknown_elements_and_attributes_are_skipped_at_any_depth() {
    let v = vm(r#"<vm id="1" future="x" href="/vms/1">
        <future_element a="1"><name>not the vm name</name><deeper><deepest/>text</deeper></future_element>
        <name unknown="attr">real</name>
        <cpu weird="1">
            <future_cpu_thing><topology><cores>99</cores></topology></future_cpu_thing>
            <topology future="y"><cores>4</cores><future_inner>z</future_inner><sockets>2</sockets></topology>
            <future_after/>
        </cpu>
        <nics><future_nic_like/><nic id="n"><future/><name>eth0</name></nic><future_tail>x</future_tail></nics>
        <memory>1</memory>
    </vm>"#);
    assert_eq!(v.id.as_deref(), Some("1"));
    assert_eq!(v.href.as_deref(), Some("/vms/1"));
    assert_eq!(v.name.as_deref(), Some("real"));
    let topology = v.cpu.as_ref().unwrap().topology.as_ref().unwrap();
    assert_eq!((topology.cores, topology.sockets), (Some(4), Some(2)));
    let nics = v.nics.as_ref().unwrap();
    assert_eq!(nics.len(), 1);
    assert_eq!(nics[0].name.as_deref(), Some("eth0"));
    assert_eq!(v.memory, Some(1));
    // A value with a child element: the child is skipped, the text kept.
    assert_eq!(vm("<vm><name>a<b>ignored</b>c<d/></name></vm>").name.as_deref(), Some("ac"));
    // An element name longer than any of the model is just unknown.
    let long = "x".repeat(300);
    assert_eq!(vm(&format!("<vm><{long}>1</{long}><name>n</name></vm>")).name.as_deref(), Some("n"));
}

#[test]
fn line_ends_and_carriage_returns() {
    // Literal CR LF and lone CR are line ends: read as LF.
    assert_eq!(vm("<vm><name>a\r\nb\rc\nd</name></vm>").name.as_deref(), Some("a\nb\nc\nd"));
    // A CR that must survive is written as a reference.
    assert_eq!(vm("<vm><name>a&#13;&#10;b&#xD;</name></vm>").name.as_deref(), Some("a\r\nb\r"));
    let v = Vm { name: Some("a\r\nb\r".into()), ..Default::default() };
    let xml = to_xml(&v).unwrap();
    assert_eq!(xml, "<vm><name>a&#13;\nb&#13;</name></vm>");
    assert_eq!(self::vm(&xml), v);
    // In attributes, literal white space is normalised to spaces, references are kept.
    let v = vm("<vm id=\"a\tb\nc\r\nd\"/>");
    assert_eq!(v.id.as_deref(), Some("a b c d"));
    let v = vm("<vm id=\"a&#9;b&#10;c&#13;d\"/>");
    assert_eq!(v.id.as_deref(), Some("a\tb\nc\rd"));
    // CR LF in CDATA is a line end too.
    assert_eq!(vm("<vm><name><![CDATA[a\r\nb]]></name></vm>").name.as_deref(), Some("a\nb"));
    // Typed values around line ends.
    assert_eq!(vm("<vm><memory>\r\n  42\r\n</memory></vm>").memory, Some(42));
}

#[test]
fn cdata_sections() {
    assert_eq!(vm("<vm><name><![CDATA[<b>&amp;</b>]]></name></vm>").name.as_deref(), Some("<b>&amp;</b>"));
    assert_eq!(vm("<vm><name>a<![CDATA[]]]]><![CDATA[>]]>b</name></vm>").name.as_deref(), Some("a]]>b"));
    assert_eq!(vm("<vm><name>x&amp;<![CDATA[&]]>&#38;y</name></vm>").name.as_deref(), Some("x&&&y"));
    assert_eq!(vm("<vm><memory><![CDATA[ 12 ]]></memory></vm>").memory, Some(12));
    assert_eq!(vm("<vm><stateless><![CDATA[TRUE]]></stateless></vm>").stateless, Some(true));
}

#[test]
fn references_split_across_events() {
    assert_eq!(vm("<vm><name>a&amp;b&#233;c</name></vm>").name.as_deref(), Some("a&béc"));
    assert_eq!(
        vm("<vm><name>&lt;&gt;&amp;&quot;&apos;&#x41;&#66;&#x1F600;</name></vm>").name.as_deref(),
        Some("<>&\"'AB😀")
    );
    assert_eq!(vm("<vm><name>&amp;</name></vm>").name.as_deref(), Some("&"));
    assert_eq!(vm("<vm><name>&amp;amp;</name></vm>").name.as_deref(), Some("&amp;"));
    assert_eq!(vm("<vm><name>é&#233;é</name></vm>").name.as_deref(), Some("ééé"));
    // In typed values and enums.
    assert_eq!(vm("<vm><memory>1&#50;3</memory></vm>").memory, Some(123));
    let c = from_xml::<Cluster>(b"<cluster><switch_type>le&#103;acy</switch_type></cluster>").unwrap();
    assert_eq!(c.switch_type, Some(SwitchType::Legacy));
    // In attributes.
    assert_eq!(vm("<vm id=\"a&amp;b&#233;c&lt;\"/>").id.as_deref(), Some("a&béc<"));
    // An invalid character reference is an error.
    for bad in ["&#0;", "&#x1;", "&#xFFFE;", "&#xD800;", "&#1114112;", "&#;", "&#xZ;"] {
        let xml = format!("<vm><name>a{bad}b</name></vm>");
        let err = from_xml::<Vm>(xml.as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), XmlErrorKind::Syntax | XmlErrorKind::UnknownEntity), "{bad}: {err}");
        assert_eq!(err.path(), "/vm/name", "{bad}: {err}");
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(b"<?xml version=\"1.0\"?><vm><name>bom</name></vm>");
    assert_eq!(from_xml::<Vm>(&bytes).unwrap().name.as_deref(), Some("bom"));
    assert!(matches!(read_document(&bytes), Ok(Some(Document::Vm(_)))));
}

#[test]
fn s34_bricks_with_collection_actions_and_networks_with_dns() {
    let bricks = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<bricks>
    <actions>
        <link href="/ovirt-engine/api/clusters/c1/glustervolumes/v1/glusterbricks/activate" rel="activate"/>
        <link href="/ovirt-engine/api/clusters/c1/glustervolumes/v1/glusterbricks/migrate" rel="migrate"/>
        <link href="/ovirt-engine/api/clusters/c1/glustervolumes/v1/glusterbricks/stopmigrate" rel="stopmigrate"/>
    </actions>
    <brick href="/ovirt-engine/api/clusters/c1/glustervolumes/v1/glusterbricks/b1" id="b1">
        <actions>
            <link href="/ovirt-engine/api/clusters/c1/glustervolumes/v1/glusterbricks/b1/replace" rel="replace"/>
        </actions>
        <name>gluster-01.example.com:/gluster_bricks/data/data</name>
        <link href="/ovirt-engine/api/clusters/c1/glustervolumes/v1/glusterbricks/b1/statistics" rel="statistics"/>
        <brick_dir>/gluster_bricks/data/data</brick_dir>
        <server_id>4d7c2a11-9e0b-4f3c-8a21-2b6d8e9f0a13</server_id>
        <status>up</status>
        <gluster_volume href="/ovirt-engine/api/clusters/c1/glustervolumes/v1" id="v1"/>
    </brick>
    <brick href="/ovirt-engine/api/clusters/c1/glustervolumes/v1/glusterbricks/b2" id="b2">
        <name>gluster-02.example.com:/gluster_bricks/data/data</name>
        <brick_dir>/gluster_bricks/data/data</brick_dir>
        <status>down</status>
    </brick>
</bricks>"#;
    let list = match read_document(bricks).unwrap() {
        Some(Document::GlusterBrickList(list)) => list,
        other => panic!("{other:?}"),
    };
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id.as_deref(), Some("b1"));
    assert_eq!(list[0].brick_dir.as_deref(), Some("/gluster_bricks/data/data"));
    assert_eq!(list[0].status, Some(ovirt_sdk::types::GlusterBrickStatus::Up));
    assert!(list[0].statistics.as_ref().unwrap().is_link());
    assert_eq!(list[0].gluster_volume.as_ref().unwrap().id.as_deref(), Some("v1"));
    assert_eq!(list[1].status, Some(ovirt_sdk::types::GlusterBrickStatus::Down));

    let networks = br#"<networks>
    <network href="/ovirt-engine/api/networks/n0" id="n0">
        <name>ovirtmgmt</name>
        <description>Management Network</description>
        <link href="/ovirt-engine/api/networks/n0/permissions" rel="permissions"/>
        <link href="/ovirt-engine/api/networks/n0/vnicprofiles" rel="vnicprofiles"/>
        <link href="/ovirt-engine/api/networks/n0/networklabels" rel="networklabels"/>
        <dns_resolver_configuration>
            <name_servers>
                <name_server>10.0.0.53</name_server>
                <name_server>10.0.1.53</name_server>
            </name_servers>
        </dns_resolver_configuration>
        <mtu>0</mtu>
        <port_isolation>false</port_isolation>
        <stp>false</stp>
        <usages>
            <usage>vm</usage>
            <usage>management</usage>
            <usage>default_route</usage>
        </usages>
        <vdsm_name>ovirtmgmt</vdsm_name>
        <data_center href="/ovirt-engine/api/datacenters/dc" id="dc"/>
    </network>
    <network href="/ovirt-engine/api/networks/n1" id="n1">
        <name>storage</name>
        <mtu>9000</mtu>
        <usages/>
        <vlan id="20"/>
    </network>
    <network href="/ovirt-engine/api/networks/n2" id="n2">
        <name>display</name>
        <dns_resolver_configuration><name_servers/></dns_resolver_configuration>
        <mtu>0</mtu>
        <usages><usage>display</usage></usages>
    </network>
</networks>"#;
    let list = list_from_xml::<Network>(networks).unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().map(|n| n.mtu).collect::<Vec<_>>(), [Some(0), Some(9000), Some(0)]);
    let dns = list[0].dns_resolver_configuration.as_ref().unwrap();
    assert_eq!(dns.name_servers.as_ref().unwrap().items, ["10.0.0.53", "10.0.1.53"]);
    assert_eq!(
        list[0].usages.as_ref().unwrap().items,
        [NetworkUsage::Vm, NetworkUsage::Management, NetworkUsage::DefaultRoute]
    );
    assert_eq!(list[1].usages, Some(List::new()));
    assert_eq!(list[1].vlan.as_ref().unwrap().id, Some(20));
    assert_eq!(list[1].dns_resolver_configuration, None);
    assert_eq!(list[2].dns_resolver_configuration.as_ref().unwrap().name_servers, Some(List::new()));
    assert_eq!(list[2].usages.as_ref().unwrap().items, [NetworkUsage::Display]);
}
