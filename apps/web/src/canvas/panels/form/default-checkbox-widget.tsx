import { getDefaultRegistry } from "@rjsf/core";
import type { RegistryWidgetsType, Widget, WidgetProps } from "@rjsf/utils";

function baseCheckbox(): Widget {
  const widget = getDefaultRegistry().widgets.CheckboxWidget;
  if (!widget) throw new Error("@rjsf/core ships no CheckboxWidget");
  return widget;
}
const BaseCheckbox = baseCheckbox();

/**
 * A checkbox that shows the schema's default while the param is absent: the form skips defaults (they stay
 * the action's business), so an absent `foreignKeys` (default true) would otherwise look switched off.
 */
export function DefaultCheckboxWidget(props: WidgetProps) {
  const shown =
    props.value === undefined && typeof props.schema.default === "boolean"
      ? props.schema.default
      : props.value;
  return <BaseCheckbox {...props} value={shown} />;
}

export const PARAM_WIDGETS: RegistryWidgetsType = { CheckboxWidget: DefaultCheckboxWidget };
