// A Mantine tooltip that costs nothing until it is needed: the child is drawn alone, and the
// tooltip (floating-ui position tracking, effects, a portal) is mounted on the first pointer or
// keyboard visit, opened. For tables that draw many hints per row and redraw every few seconds.
import { cloneElement, useState, type FocusEvent, type MouseEvent, type ReactElement } from "react";
import { Tooltip, type TooltipProps } from "@mantine/core";

type ChildProps = { onMouseEnter?: (e: MouseEvent) => void; onFocus?: (e: FocusEvent) => void };

export function HoverTooltip({ children, ...props }: Omit<TooltipProps, "children" | "defaultOpened" | "opened"> & { children: ReactElement<ChildProps> }) {
  const [armed, setArmed] = useState(false);
  if (armed) {
    return (
      <Tooltip {...props} defaultOpened>
        {children}
      </Tooltip>
    );
  }
  return cloneElement(children, {
    onMouseEnter: (e: MouseEvent) => {
      children.props.onMouseEnter?.(e);
      setArmed(true);
    },
    onFocus: (e: FocusEvent) => {
      children.props.onFocus?.(e);
      setArmed(true);
    },
  });
}
