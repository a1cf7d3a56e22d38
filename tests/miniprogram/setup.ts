// Code under test branches on process.env.TARO_ENV at call time (Taro replaces it at build time).
process.env.TARO_ENV = 'weapp';
