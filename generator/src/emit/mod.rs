//! Emitters: pure functions from the IR to Rust source files.

mod accessors;
mod calls;
mod crate_files;
mod enums;
mod json;
mod services;
mod spawns;
mod structs;
mod xml;

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Error;
use crate::ir::Api;
use crate::model::WireFormat;

pub use crate_files::Options;

/// One emitted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the crate folder, with `/` separators.
    pub path: String,
    /// The full text, `\n` line ends, ending with a newline.
    pub contents: String,
}

/// Emits every file of the crate for `api`, sorted by path.
pub fn emit(api: &Api, options: &Options) -> Result<Vec<OutputFile>, Error> {
    let ctx = Context::new(api, options);
    let files = match api.format {
        WireFormat::Xml => emit_xml_crate(&ctx)?,
        WireFormat::Json => json::emit(&ctx)?,
    };
    Ok(files.into_iter().map(|(path, contents)| OutputFile { path, contents }).collect())
}

/// Every file of an XML API's crate, by path.
fn emit_xml_crate(ctx: &Context<'_>) -> Result<BTreeMap<String, String>, Error> {
    let api = ctx.api;
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (i, st) in api.structs.iter().enumerate() {
        let path = format!("src/types/{}.rs", st.module);
        let tokens = structs::emit_struct(ctx, i);
        files.insert(path.clone(), ctx.render(&path, &st.file, tokens)?);
    }
    for (i, st) in api.structs.iter().enumerate() {
        let path = format!("src/xml/{}.rs", st.module);
        let tokens = xml::emit_struct_xml(ctx, i);
        files.insert(path.clone(), ctx.render(&path, &st.file, tokens)?);
    }
    let tokens = xml::emit_xml_mod(ctx);
    files.insert("src/xml/mod.rs".to_owned(), ctx.render("src/xml/mod.rs", std::path::Path::new("types"), tokens)?);
    for (i, en) in api.enums.iter().enumerate() {
        let path = format!("src/types/{}.rs", en.module);
        let tokens = enums::emit_enum(ctx, i);
        files.insert(path.clone(), ctx.render(&path, &en.file, tokens)?);
    }
    for (i, sv) in api.services.iter().enumerate() {
        let path = format!("src/services/{}.rs", services::module(ctx, i));
        let tokens = services::emit_service(ctx, i)?;
        files.insert(path.clone(), ctx.render(&path, &sv.file, tokens)?);
    }
    let tokens = services::emit_services_mod(ctx);
    files.insert(
        "src/services/mod.rs".to_owned(),
        ctx.render("src/services/mod.rs", std::path::Path::new("services"), tokens)?,
    );
    for (path, text) in crate_files::emit(ctx)? {
        files.insert(path, text);
    }
    Ok(files)
}

/// The call table of the method-level wire test (see `tests/ovirt/tests/wire_methods.rs`):
/// one entry per method and variant, with Rust code calling it through the
/// generated crate. It is not part of the crate.
pub fn emit_call_table(api: &Api, options: &Options) -> Result<Option<OutputFile>, Error> {
    if api.format != WireFormat::Xml {
        return Ok(None);
    }
    let ctx = Context::new(api, options);
    let tokens = calls::emit_calls(&ctx)?;
    let path = format!("{}.rs", api.name);
    let contents = ctx.render(&path, std::path::Path::new("services"), tokens)?;
    Ok(Some(OutputFile { path, contents }))
}

/// The spawn check of the API's test crate (see `tests/<api>/`): every
/// public future of the generated crate handed to `tokio::spawn` from a
/// crate with the default `recursion_limit`. It is not part of the crate.
pub fn emit_spawn_check(api: &Api, options: &Options) -> Result<Option<OutputFile>, Error> {
    if api.format != WireFormat::Xml {
        return Ok(None);
    }
    let ctx = Context::new(api, options);
    let tokens = spawns::emit_spawns(&ctx)?;
    let contents = ctx.render("src/spawns.rs", std::path::Path::new("services"), tokens)?;
    Ok(Some(OutputFile { path: "src/spawns.rs".to_owned(), contents }))
}

/// What every emitter needs: the IR, the options, and lookups computed once.
pub(crate) struct Context<'a> {
    pub api: &'a Api,
    pub options: &'a Options,
    /// For each struct, the service methods that return it (`VmsService::list`).
    pub returned_by: Vec<Vec<String>>,
}

impl<'a> Context<'a> {
    fn new(api: &'a Api, options: &'a Options) -> Self {
        let mut returned_by = vec![Vec::new(); api.structs.len()];
        for s in &api.services {
            for m in &s.methods {
                if let Some(r) = m.result {
                    if let crate::ir::TypeRef::Struct(t) = m.params[r].ty {
                        returned_by[t].push(format!("{}::{}", s.rust_name, m.rust));
                    }
                }
            }
        }
        for v in &mut returned_by {
            v.sort();
            v.dedup();
        }
        Context { api, options, returned_by }
    }

    /// Parses, formats and adds the header to one file.
    pub fn render(&self, path: &str, source: &std::path::Path, tokens: TokenStream) -> Result<String, Error> {
        let file: syn::File =
            syn::parse2(tokens).map_err(|e| Error::Emit { file: path.to_owned(), message: e.to_string() })?;
        let body = space_items(&prettyplease::unparse(&file));
        let source = PathBuf::from(&self.options.model_label).join(source);
        Ok(format!("{}{body}", header(&source.to_string_lossy().replace('\\', "/"))))
    }
}

/// Puts one blank line between consecutive items (top level and inside
/// `impl` blocks), as a person would; `prettyplease` packs them together.
fn space_items(text: &str) -> String {
    fn starts_item(rest: &str) -> bool {
        ["///", "#[", "impl", "unsafe impl", "pub struct", "pub enum", "pub fn", "pub const", "fn ", "type ", "const "]
            .iter()
            .any(|p| rest.starts_with(p))
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else { continue };
        if line.starts_with("#![") && !next.starts_with("#![") {
            out.push('\n');
            continue;
        }
        for indent in ["", "    "] {
            let (Some(this), Some(rest)) = (line.strip_prefix(indent), next.strip_prefix(indent)) else { continue };
            if this.starts_with(' ') || rest.starts_with(' ') {
                continue;
            }
            let ends = this == "}"
                || this == "];"
                || this.ends_with(" {}")
                || (this.ends_with(';') && !this.starts_with("//"));
            let same_kind_one_liners =
                this.ends_with(';') && ["const ", "type "].iter().any(|k| this.starts_with(k) && rest.starts_with(k));
            if ends && starts_item(rest) && !same_kind_one_liners {
                out.push('\n');
            }
        }
    }
    out
}

/// The first lines of every emitted Rust file.
pub(crate) fn header(source: &str) -> String {
    format!(
        "// @generated by `cargo xtask generate` (sdkgen) from {source}.\n// Do not edit: change the model and regenerate.\n\n"
    )
}

/// `#[doc = " line"]` attributes, one per line of `text`.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = " line"]` attributes (module documentation), one per line of `text`.
pub(crate) fn inner_doc(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #![doc = #lines] )* }
}

/// `#[deprecated]` when `yes`.
pub(crate) fn deprecated(yes: bool) -> TokenStream {
    if yes {
        quote! { #[deprecated] }
    } else {
        TokenStream::new()
    }
}
