import { SelectField } from "./fields";

export function TargetSelect(props: {
  label: string;
  value: string | undefined;
  targets: readonly string[];
  onChange: (value: string | undefined) => void;
  placeholder?: string;
  extra?: { value: string; label: string }[];
  name?: string;
}) {
  const options = [...(props.extra ?? []), ...props.targets.map((t) => ({ value: t, label: t }))];
  // A dangling reference stays visible (the validator reports it) instead of silently showing "—".
  if (props.value && !options.some((o) => o.value === props.value))
    options.unshift({ value: props.value, label: `${props.value} (missing)` });
  return (
    <SelectField
      label={props.label}
      name={props.name}
      value={props.value}
      options={options}
      onChange={props.onChange}
      placeholder={props.placeholder ?? "— none —"}
    />
  );
}
