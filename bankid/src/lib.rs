//! BankID Relying Party API v6.0 client and `bankid-sim`, a protocol-faithful simulator.
