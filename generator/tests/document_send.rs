//! `xml::Document` (one variant per struct type and per list of them) is
//! `Send + Sync`, but proving it walks so many nested types that a crate
//! which needs it must raise its `recursion_limit` (the README says so).
//! Every single generated type and service needs no such thing (see
//! `api_usage.rs` and the call table's `every_type_is_send_and_sync`).
#![recursion_limit = "256"]

#[test]
fn document_is_send_and_sync_with_a_raised_recursion_limit() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<ovirt_sdk::xml::Document>();
}
