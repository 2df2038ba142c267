import "@xyflow/react/dist/style.css";
import "./styles.css";
import "./theme-dark.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { startTheme } from "./lib/theme";

startTheme();

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
