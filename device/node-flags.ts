/**
 * V8 flags a counter runs with (the systemd unit sets them; a test keeps the two equal). A
 * counter handles a few events a minute, so it trades JIT speed for memory: a 1 MB young
 * generation and V8's lite mode (no optimising compiler) keep a Pi's resident memory near the
 * floor of Node with one MQTT connection. `--no-expose-wasm` only silences lite mode's warning.
 */
export const PI_NODE_FLAGS = ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm'] as const;
