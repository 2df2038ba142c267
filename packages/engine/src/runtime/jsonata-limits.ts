// Pure, beside the in-thread evaluator in core/.
export { JSONATA_LIMITS, limitNatives, MAX_NATIVE_ITEMS } from "../core/jsonata-limits";
