//! The quiz area as the server plugs it in: the contests' state and deadline job, and the
//! question bank's file routes (import, exports, template).
pub fn area() -> crate::state::Area {
    super::contest::ssr::area().http(super::transfer::ssr::routes())
}
