//! Uses the runtime types the way generated SDK structs do: as (optional)
//! fields of plain data types deriving the usual traits.

use sdkgen_runtime::{DateTime, Decimal, List, Offset};

/// Shaped like a generated type.
#[derive(Debug, Clone, Default, PartialEq)]
struct Nic {
    name: Option<String>,
}

/// Shaped like a generated type.
#[derive(Debug, Clone, Default, PartialEq)]
struct Vm {
    name: Option<String>,
    creation_time: Option<DateTime>,
    cpu_shares: Option<Decimal>,
    nics: Option<List<Nic>>,
    tags: List<String>,
}

#[test]
fn fields_of_generated_like_structs() {
    let mut vm = Vm {
        name: Some("web".to_owned()),
        creation_time: Some("2016-09-08T09:53:35.138+02:00".parse().unwrap()),
        cpu_shares: Some("1.50".parse().unwrap()),
        nics: Some(List::with_href("/ovirt-engine/api/vms/1/nics")),
        ..Vm::default()
    };
    vm.tags.push("prod".to_owned());

    let copy = vm.clone();
    assert_eq!(copy, vm);
    assert!(copy.nics.as_ref().is_some_and(List::is_link));
    assert_eq!(copy.creation_time.unwrap().offset(), Offset::Minutes(120));
    assert_eq!(copy.cpu_shares.as_ref().map(Decimal::as_str), Some("1.50"));

    let debug = format!("{vm:?}");
    assert!(debug.contains("DateTime(2016-09-08T09:53:35.138+02:00)"), "{debug}");
    assert!(debug.contains("Decimal(1.50)"), "{debug}");
    assert!(debug.contains(r#"List { href: "/ovirt-engine/api/vms/1/nics", items: [] }"#), "{debug}");
    assert!(debug.contains(r#"tags: ["prod"]"#), "{debug}");

    // Filling a link-only list after following the link keeps the href.
    let nics = vm.nics.as_mut().unwrap();
    nics.extend([Nic { name: Some("nic1".to_owned()) }]);
    assert!(!nics.is_link());
    assert_eq!(nics.href(), Some("/ovirt-engine/api/vms/1/nics"));
    let names: Vec<&str> = nics.iter().filter_map(|n| n.name.as_deref()).collect();
    assert_eq!(names, ["nic1"]);
}

#[test]
fn errors_are_std_errors() {
    fn as_error<E: std::error::Error + Send + Sync + 'static>(e: E) -> Box<dyn std::error::Error + Send + Sync> {
        Box::new(e)
    }
    let e = as_error("x".parse::<Decimal>().unwrap_err());
    assert_eq!(e.to_string(), r#"invalid decimal number "x": unexpected character at byte 0"#);
    let e = as_error("x".parse::<DateTime>().unwrap_err());
    assert_eq!(e.to_string(), r#"invalid dateTime "x": expected digit at byte 0"#);
}

#[test]
fn types_are_small() {
    assert_eq!(std::mem::size_of::<Decimal>(), 16);
    assert!(std::mem::size_of::<DateTime>() <= 24);
    assert_eq!(std::mem::size_of::<List<u8>>(), 48);
}
