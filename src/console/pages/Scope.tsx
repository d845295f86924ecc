import type { AppPageProps } from '../app/pages.js';

export default function Scope(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
