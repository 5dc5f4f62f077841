//! What every generated type shares: [`Identity`] (the id, name and `href`
//! of an object, for any generated type and for an optional or boxed one),
//! [`Optional`] (setters that take a value or an `Option` of it) and
//! [`IdSource`] (what a locator such as `vm_service` takes: an id or an
//! object that has one).

/// The identity of an object: its id, its name and the URL it can be
/// fetched from, for every generated struct type (`None` where the type has
/// no such member or the value leaves it unset).
///
/// It is also implemented for `Option<T>`, `&T` and `Box<T>`, so the id of a
/// linked object takes one call whether the link is there or not:
///
/// ```
/// use sdkgen_runtime::Identity;
///
/// struct Cluster { id: Option<String> }
/// impl Identity for Cluster {
///     fn id(&self) -> Option<&str> { self.id.as_deref() }
/// }
///
/// let linked: Option<&Cluster> = Some(&Cluster { id: Some("123".into()) });
/// assert_eq!(linked.id(), Some("123"));
/// let absent: Option<&Cluster> = None;
/// assert_eq!(absent.id(), None);
/// ```
pub trait Identity {
    /// The id of the object.
    fn id(&self) -> Option<&str>;

    /// The name of the object.
    fn name(&self) -> Option<&str> {
        None
    }

    /// The URL path the object can be fetched from, as the server sent it.
    fn href(&self) -> Option<&str> {
        None
    }
}

/// `Identity` of a pointer: that of what it points at.
macro_rules! identity_through {
    ($($pointer:ty),*) => {$(
        impl<T: Identity + ?Sized> Identity for $pointer {
            fn id(&self) -> Option<&str> {
                (**self).id()
            }
            fn name(&self) -> Option<&str> {
                (**self).name()
            }
            fn href(&self) -> Option<&str> {
                (**self).href()
            }
        }
    )*};
}

identity_through!(&T, Box<T>);

impl<T: Identity> Identity for Option<T> {
    fn id(&self) -> Option<&str> {
        self.as_ref().and_then(T::id)
    }
    fn name(&self) -> Option<&str> {
        self.as_ref().and_then(T::name)
    }
    fn href(&self) -> Option<&str> {
        self.as_ref().and_then(T::href)
    }
}

/// A value for a setter that also accepts an `Option` of it, so optional
/// input needs no `if let`: `.max(100)`, `.max(Some(100))` and
/// `.max(limit)` (with `limit: Option<i64>`) all work, and text setters
/// take `&str`, `String` and their `Option`s.
///
/// ```
/// use sdkgen_runtime::Optional;
///
/// fn set(value: impl Optional<String>) -> Option<String> {
///     value.into_option()
/// }
/// assert_eq!(set("web"), Some("web".to_owned()));
/// assert_eq!(set(Some("web")), Some("web".to_owned()));
/// assert_eq!(set(None::<&str>), None);
/// assert_eq!(set(String::from("db")), Some("db".to_owned()));
/// ```
pub trait Optional<T> {
    /// The value, or `None` to leave it unset.
    fn into_option(self) -> Option<T>;
}

impl<T> Optional<T> for T {
    fn into_option(self) -> Option<T> {
        Some(self)
    }
}

impl<T> Optional<T> for Option<T> {
    fn into_option(self) -> Option<T> {
        self
    }
}

impl Optional<String> for &str {
    fn into_option(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl Optional<String> for &String {
    fn into_option(self) -> Option<String> {
        Some(self.clone())
    }
}

impl Optional<String> for Option<&str> {
    fn into_option(self) -> Option<String> {
        self.map(str::to_owned)
    }
}

impl Optional<String> for Option<&String> {
    fn into_option(self) -> Option<String> {
        self.cloned()
    }
}

/// What a locator that takes an id (`vms.vm_service(…)`) accepts: the id
/// itself (`&str`, `String`, `Option<&str>`) or an object whose id it uses
/// (`&vm`, `vm.cluster()`).
///
/// A missing or empty id does not silently become the path `vms/`: the
/// service is made, and each of its requests fails at once with an error
/// that names the locator (see `ServiceContext::child_id`).
pub trait IdSource {
    /// The id, or why there is none (`"an empty id"`, `"a Vm without an id"`).
    fn object_id(&self) -> Result<&str, String>;
}

fn non_empty(id: &str) -> Result<&str, String> {
    if id.is_empty() { Err("an empty id".to_owned()) } else { Ok(id) }
}

impl IdSource for &str {
    fn object_id(&self) -> Result<&str, String> {
        non_empty(self)
    }
}

impl IdSource for String {
    fn object_id(&self) -> Result<&str, String> {
        non_empty(self)
    }
}

impl IdSource for &String {
    fn object_id(&self) -> Result<&str, String> {
        non_empty(self)
    }
}

impl IdSource for Option<&str> {
    fn object_id(&self) -> Result<&str, String> {
        self.ok_or_else(|| "no id (None)".to_owned()).and_then(non_empty)
    }
}

impl<T: Identity + ?Sized> IdSource for &T {
    fn object_id(&self) -> Result<&str, String> {
        self.id().ok_or_else(|| format!("a {} without an id", crate::short_type_name::<T>())).and_then(non_empty)
    }
}

impl<T: Identity> IdSource for Option<&T> {
    fn object_id(&self) -> Result<&str, String> {
        match self {
            Some(object) => object.object_id(),
            None => Err(format!("no {} (None)", crate::short_type_name::<T>())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Named {
        id: Option<String>,
        name: Option<String>,
    }

    impl Identity for Named {
        fn id(&self) -> Option<&str> {
            self.id.as_deref()
        }
        fn name(&self) -> Option<&str> {
            self.name.as_deref()
        }
    }

    #[test]
    fn identity_reaches_through_options_references_and_boxes() {
        let named = Named { id: Some("1".into()), name: Some("web".into()) };
        let boxed: Option<Box<Named>> = Some(Box::new(named));
        assert_eq!(boxed.id(), Some("1"));
        assert_eq!(boxed.name(), Some("web"));
        assert_eq!(boxed.href(), None);
        assert_eq!(boxed.as_deref().id(), Some("1"));
        let none: Option<Box<Named>> = None;
        assert_eq!((none.id(), none.name()), (None, None));
    }

    #[test]
    fn id_sources_refuse_missing_and_empty_ids() {
        let named = Named { id: Some("1".into()), name: None };
        let unnamed = Named { id: None, name: None };
        assert_eq!("7".object_id(), Ok("7"));
        assert_eq!(String::from("8").object_id(), Ok("8"));
        assert_eq!((&named).object_id(), Ok("1"));
        assert_eq!(Some(&named).object_id(), Ok("1"));
        assert_eq!("".object_id(), Err("an empty id".to_owned()));
        assert_eq!(None::<&str>.object_id(), Err("no id (None)".to_owned()));
        assert_eq!((&unnamed).object_id(), Err("a Named without an id".to_owned()));
        assert_eq!(None::<&Named>.object_id(), Err("no Named (None)".to_owned()));
    }

    #[test]
    fn optional_takes_values_and_options() {
        fn int(v: impl Optional<i64>) -> Option<i64> {
            v.into_option()
        }
        assert_eq!(int(5), Some(5));
        assert_eq!(int(None), None);
        let owned = String::from("x");
        fn text(v: impl Optional<String>) -> Option<String> {
            v.into_option()
        }
        assert_eq!(text(&owned), Some("x".into()));
        assert_eq!(text(Some(&owned)), Some("x".into()));
        assert_eq!(text(Some(String::from("y"))), Some("y".into()));
        assert_eq!(text(None::<String>), None);
    }
}
