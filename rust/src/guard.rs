//! Panics stay inside the core: each call from Python runs under `guarded`, which turns
//! a panic into an error message (the bindings raise it as `dedup.errors.CoreError`),
//! never an abort, and the panic hook keeps the message instead of printing it.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keep panic messages (with their place in the source) for `guarded` instead of printing
/// them on stderr: the library never prints. Called once, when the module is loaded.
pub fn keep_panic_messages() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        panic::set_hook(Box::new(|info| {
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(info.to_string()));
        }));
    });
}

fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// `f()`, or the message of the panic that stopped it.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_message(payload.as_ref()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        keep_panic_messages();
        assert_eq!(guarded(|| 2 + 2), Ok(4));
        let err = guarded(|| -> u32 { panic!("bad shingle {}", 7) }).unwrap_err();
        assert!(err.contains("bad shingle 7"), "{err}");
        assert!(err.contains("guard.rs"), "the place in the source is kept: {err}");
    }

    #[test]
    fn a_payload_without_hook_message_is_read() {
        let payload: Box<dyn Any + Send> = Box::new(String::from("boom"));
        assert_eq!(payload_message(payload.as_ref()), "boom");
    }
}
