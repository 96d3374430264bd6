export default {
  component: true,
  // let app.wxss / common.wxss (where the TabBar styles land) style this component
  styleIsolation: 'apply-shared',
};
