//! MCP servers protected by OAuth (the MCP authorization spec): discovery of the server's
//! authorization server, client registration, and the stdio proxy that forwards an MCP host's
//! JSON-RPC to the server's Streamable HTTP endpoint with a fresh token.

pub mod discovery;
pub mod registration;
pub mod sse;
